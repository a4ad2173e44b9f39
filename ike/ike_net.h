/*
 * ike_net.h - the IKE engine's sockets: UDP 500 for IKE and UDP 4500 for
 * NAT traversal (RFC 3947, RFC 3948), where IKE messages carry a four-octet
 * non-ESP marker, ESP packets start with their SPI and a single 0xff octet
 * is a NAT keepalive.  Datagrams are driven by libevent and handed to the
 * engine (IKE) or the dataplane (ESP in UDP) through callbacks; replies go
 * out from the local address the request came to (IP_PKTINFO).
 */
#ifndef IPSECGW_IKE_NET_H
#define IPSECGW_IKE_NET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct ike_net;

/* Where a datagram came from and went to; natt: it arrived on 4500. */
struct ike_net_dgram {
	struct sockaddr_in local;
	struct sockaddr_in remote;
	int natt;
	const uint8_t *data; /* without the non-ESP marker */
	size_t len;
};

typedef void (*ike_net_rx_fn)(void *arg, const struct ike_net_dgram *d);

struct ike_net_conf {
	struct in_addr bind;  /* INADDR_ANY or one local address */
	uint16_t port;        /* 500; 0 picks a free port (tests) */
	uint16_t natt_port;   /* 4500; 0 picks a free port (tests) */
	ike_net_rx_fn ike_rx; /* IKE messages from either port */
	ike_net_rx_fn esp_rx; /* ESP in UDP from the NAT-T port, or NULL */
	/* An ICMP destination unreachable (code) for a datagram we sent. */
	void (*icmp_rx)(void *arg, const struct sockaddr_in *to, int code);
	void *arg;
};

struct ike_net *ike_net_new(struct event_base *base,
                            const struct ike_net_conf *conf);
void ike_net_free(struct ike_net *n);
/* The ports actually bound (after 0 was asked for). */
uint16_t ike_net_port(const struct ike_net *n, int natt);
/*
 * Sends an IKE message (natt: from the NAT-T port, with the non-ESP
 * marker); local may be NULL to let the kernel choose the source.
 */
int ike_net_send(struct ike_net *n, const struct sockaddr_in *local,
                 const struct sockaddr_in *remote, int natt, const uint8_t *buf,
                 size_t len);
/* Sends a NAT keepalive (one 0xff octet) from the NAT-T port. */
int ike_net_keepalive(struct ike_net *n, const struct sockaddr_in *remote);
/* Counters: datagrams dropped as too short, truncated or unknown. */
uint64_t ike_net_dropped(const struct ike_net *n);

#endif
