/*
 * dataplane.h - the public interface of the dataplane: packet protection
 * (ESP, AH, IPComp in tunnel mode, IPv4) and the policy that decides what
 * is protected, passed or dropped.
 *
 * The dataplane knows nothing about SNMP or IKE.  The agent translates MIB
 * rows into the policy below and IKE's agreed SAs into struct dp_sa_conf;
 * the dataplane asks for SAs it lacks through the acquire callback and
 * reports soft/hard expiry through the expire callback.
 *
 * Addresses are IPv4 in host order.
 */
#ifndef IPSECGW_DATAPLANE_H
#define IPSECGW_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

#define DP_PROTO_ESP  50
#define DP_PROTO_AH   51
#define DP_PROTO_COMP 108

/* DOI protocol numbers, as IKE reports them. */
#define DP_DOI_AH  2
#define DP_DOI_ESP 3

/*
 * An algorithm pair resolved by the agent from IKE's descriptor tables.
 * cipher: an OpenSSL EVP cipher name ("AES-128-CBC", "DES-EDE3-CBC",
 * "AES-256-GCM", ...), "twofish-cbc" (libgcrypt) or "" for ESP_NULL and AH.
 * digest: an OpenSSL digest name for HMAC ("SHA1", "SHA2-256", "MD5",
 * "RIPEMD160") or "" (AES-GCM, or ESP without integrity).
 */
struct dp_alg {
	char cipher[32];
	uint8_t aead;         /* RFC 4106: key | 4-byte salt, ICV from cipher */
	uint16_t block_len;   /* padding unit in bytes (1 for GCM and NULL) */
	uint16_t iv_len;      /* bytes on the wire */
	uint16_t enc_key_len; /* bytes, including the salt for AEAD */
	char digest[16];
	uint16_t auth_key_len; /* bytes */
	uint16_t icv_len;      /* truncated HMAC or AEAD tag, bytes */
};

/* A traffic selector side; addresses in host order. */
enum dp_sel_type {
	DP_SEL_HOST = 1,
	DP_SEL_NET,
	DP_SEL_RANGE,
	DP_SEL_ANY,
};

struct dp_sel {
	uint8_t type;
	uint32_t first, last; /* the range the selector covers, inclusive */
	uint16_t port;        /* 0: any */
};

/* What IKE agreed for one SA pair, in the dataplane's terms. */
struct dp_sa_conf {
	uint32_t index; /* ipsecSaTable row, unique */
	int32_t peer;
	int32_t traffic; /* the protect entry it serves */
	uint8_t proto;   /* DP_DOI_ESP or DP_DOI_AH */
	struct dp_alg alg;
	uint8_t ipcomp; /* deflate in front of ESP/AH */
	uint16_t cpi_in, cpi_out;
	uint32_t spi_in, spi_out;
	uint32_t local, remote;           /* tunnel endpoints */
	uint16_t local_port, remote_port; /* both non-zero: ESP in UDP */
	struct dp_sel local_sel, remote_sel;
	uint8_t sel_proto;                  /* 0: any */
	uint32_t life_seconds, life_kbytes; /* 0: no limit of that kind */
	uint8_t pmtu;                       /* propagate path MTU */
	uint16_t replay_window;             /* packets, 0: 64 */
	/* KEYMAT per direction: encryption key then integrity key. */
	uint8_t key_in[128], key_out[128];
	uint16_t key_len;
};

/* Per-SA counters (ipsecSaTable). */
struct dp_sa_stats {
	uint64_t in_bytes, out_bytes; /* inner packet bytes */
	uint64_t in_packets, out_packets;
	uint64_t err_auth, err_replay, err_pad, err_malformed, err_decomp;
	uint64_t err_policy;   /* inner packet outside the selectors */
	uint64_t comp_skipped; /* IPComp not used because it did not shrink */
};

/* Policy (R, P4): one rule of the flattened, ordered rule chain. */
enum dp_list {
	DP_LIST_PRE = 1,
	DP_LIST_PEER,
	DP_LIST_POST,
};

enum dp_action {
	DP_PASS = 1,
	DP_DROP,
	DP_PROTECT,
};

struct dp_rule {
	int32_t index;  /* ipsecTrIndex, for counters */
	int32_t peer;   /* owning peer, 0 for pre/post rules */
	uint8_t list;   /* enum dp_list */
	uint8_t action; /* enum dp_action */
	uint8_t proto;  /* 0: any */
	struct dp_sel local, remote;
};

/*
 * The whole policy as the agent resolved it: rules in evaluation order
 * (pre rules from the active one, then the traffic lists of the peers that
 * are not down, each from its active entry, then the post rules from the
 * active one).  The first rule matching a packet decides; no match means
 * default_pass.  With enabled = 0 (G1) nothing is processed by IPsec.
 */
struct dp_policy {
	uint8_t enabled;
	uint8_t default_pass;
	const struct dp_rule *rules;
	size_t nrules;
};

/* Global counters (ipsecStats, M1).  Out: from the protected side. */
struct dp_stats {
	uint64_t in_total, in_passed, in_dropped, in_protected, in_errors;
	uint64_t out_total, out_passed, out_dropped, out_protected, out_errors;
	uint64_t no_sa; /* unknown SPI */
	uint64_t policy_mismatch;
	uint64_t acquires;
};

struct dp_callbacks {
	/* A packet needs an SA that does not exist yet (acquire). */
	void (*acquire)(void *arg, int32_t peer, int32_t traffic);
	/* Soft (hard = 0: rekey now) or hard expiry of an SA pair. */
	void (*expire)(void *arg, uint32_t index, int32_t peer, int32_t traffic,
	               int hard);
};

struct dp_conf {
	char tun_name[16]; /* "" : "ipsecgw0" */
	uint32_t fwmark;   /* our own packets bypass the tunnel routes */
	uint32_t table;    /* routing table for the tunnel routes */
	uint16_t mtu;      /* tunnel MTU, 0: 1400 */
	uint8_t no_io;     /* tests: no TUN, no sockets, no routes */
};

struct dataplane;

/* Opens the TUN device and the raw sockets; NULL on failure (logged). */
struct dataplane *dp_new(struct event_base *base, const struct dp_conf *conf,
                         const struct dp_callbacks *cb, void *arg);
void dp_free(struct dataplane *dp);
/* Replaces the policy (copied) and the tunnel routes that follow from it. */
int dp_set_policy(struct dataplane *dp, const struct dp_policy *pol);
/* Installs an SA pair (keys copied into library contexts only). */
int dp_sa_add(struct dataplane *dp, const struct dp_sa_conf *c);
void dp_sa_del(struct dataplane *dp, uint32_t index);
/* Per-SA counters and seconds left; -1 if there is no such SA. */
int dp_sa_info(const struct dataplane *dp, uint32_t index,
               struct dp_sa_stats *st, uint32_t *seconds_left);
/* ESP in UDP received by IKE's NAT-T socket (addresses host order). */
void dp_udp_rx(struct dataplane *dp, uint32_t src, uint16_t sport, uint32_t dst,
               const uint8_t *data, size_t len);
void dp_get_stats(const struct dataplane *dp, struct dp_stats *st);
/* Packets that matched the rule with this ipsecTrIndex. */
uint64_t dp_rule_matches(const struct dataplane *dp, int32_t index);
/*
 * Runs one inner packet from the protected side through policy and
 * protection as if read from the TUN device (tests, benchmarks).
 */
void dp_output(struct dataplane *dp, const uint8_t *pkt, size_t len);

/* Link state (sync SAs with local interface): name went from up to down. */
typedef void (*dp_link_down_fn)(void *arg, const char *ifname);
struct dp_link_watch;
struct dp_link_watch *dp_link_watch_new(struct event_base *base,
                                        dp_link_down_fn cb, void *arg);
void dp_link_watch_free(struct dp_link_watch *w);

#endif
