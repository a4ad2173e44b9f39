/*
 * ike.h - the public interface of the IKEv1 engine: the configuration the
 * agent pushes into it (already resolved: no "default" values, no MIB
 * knowledge), the events it reports back (state of peers and SAs, for the
 * MIB and for traps), and the narrow SA interface towards the dataplane.
 *
 * Numbers are wire numbers: IKE attribute values (RFC 2409 appendix A) for
 * phase 1, IPsec DOI values (RFC 2407) for phase 2, IANA group numbers, and
 * the private-use values of ike_crypto.h where IANA has none.
 */
#ifndef IPSECGW_IKE_H
#define IPSECGW_IKE_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

#define IKE_CONF_MAX_PROPS 16
#define IKE_CONF_STR       256

/* Lifetime matching policy (I2). */
enum ike_life_policy {
	IKE_LIFE_LOOSE = 1, /* accept and use the peer's */
	IKE_LIFE_STRICT,    /* only exactly ours */
	IKE_LIFE_NOTIFY,    /* accept larger, use ours, RESPONDER-LIFETIME */
};

/* A proposal without lifetime attributes means 8 hours (RFC 2407 4.5). */
#define IKE_LIFE_DEFAULT_SEC 28800

/* 0 in seconds or kbytes means no limit of that kind. */
struct ike_lifetime {
	uint32_t seconds;
	uint32_t kbytes;
	uint8_t policy; /* enum ike_life_policy */
};

/* Which phase 1 exchanges are proposed and accepted (I5). */
enum ike_mode_policy {
	IKE_MODE_MAIN = 1,   /* propose Main Mode, accept both */
	IKE_MODE_AGGRESSIVE, /* propose Aggressive Mode, accept both */
	IKE_MODE_MAIN_ONLY,
	IKE_MODE_AGGRESSIVE_ONLY,
};

/* Heartbeats (I6): RFC 3706 DPD. */
enum ike_heartbeats {
	IKE_HB_NONE = 1,
	IKE_HB_EXPECT,
	IKE_HB_SEND,
	IKE_HB_BOTH,
};

struct ike_p1_prop {
	uint16_t enc;    /* IKE_ATTR encryption value */
	uint16_t keylen; /* bits, 0: the cipher's default */
	uint16_t hash;   /* IKE_ATTR hash value */
};

struct ike_p1_conf {
	struct ike_p1_prop props[IKE_CONF_MAX_PROPS];
	uint8_t nprops;
	uint16_t group;              /* IANA DH group */
	uint16_t auth;               /* IKE_ATTR authentication method value */
	uint8_t mode;                /* enum ike_mode_policy */
	uint8_t heartbeats;          /* enum ike_heartbeats */
	uint8_t natt;                /* 1: NAT traversal allowed */
	int32_t block_time;          /* seconds, 0: never block */
	char local_id[IKE_CONF_STR]; /* "" = local address */
	struct ike_lifetime life;
};

struct ike_p2_prop {
	uint8_t proto;      /* IPsec DOI protocol: AH 2, ESP 3 */
	uint16_t transform; /* ESP or AH transform ID */
	uint16_t keylen;    /* bits, 0: default */
	uint16_t auth;      /* Authentication Algorithm attribute, 0 none */
};

enum ike_ipcomp {
	IKE_IPCOMP_ALLOW = 1, /* accept with or without, propose first */
	IKE_IPCOMP_NEVER,
	IKE_IPCOMP_FORCE,
};

struct ike_p2_conf {
	struct ike_p2_prop props[IKE_CONF_MAX_PROPS];
	uint8_t nprops;
	uint8_t ipcomp;     /* enum ike_ipcomp */
	uint16_t pfs_group; /* 0: no PFS */
	uint8_t heartbeats; /* enum ike_heartbeats */
	uint8_t pmtu;       /* 1: propagate path MTU */
	struct ike_lifetime life;
};

/* A traffic selector side (P4); addresses in host order. */
enum ike_sel_type {
	IKE_SEL_HOST = 1,
	IKE_SEL_NET,
	IKE_SEL_RANGE,
	IKE_SEL_OWN,  /* the gateway's own address */
	IKE_SEL_DHCP, /* the address a remote host leased */
	IKE_SEL_PEER, /* the peer's own address */
};

struct ike_sel {
	uint8_t type;  /* enum ike_sel_type */
	uint32_t addr; /* host, network or first address */
	uint32_t end;  /* net: prefix length; range: last address */
	uint16_t port; /* 0: any */
};

/* One protect entry of a peer's traffic list. */
struct ike_traffic {
	int32_t index; /* ipsecTrIndex */
	uint8_t proto; /* IP protocol, 0: any */
	struct ike_sel local;
	struct ike_sel remote;
	struct ike_p2_conf p2;
};

/* A peer as the engine needs it (P, I, S resolved by the agent). */
struct ike_peer_conf {
	int32_t index; /* ipsecPeerIndex */
	uint8_t admin; /* 1 up, 2 down, 3 dialup, 4 callback */
	char name[IKE_CONF_STR];
	char address[IKE_CONF_STR]; /* IP or host name, "" = unknown */
	char ids[IKE_CONF_STR];     /* comma-separated, "" = the address */
	uint8_t psk[255];
	uint16_t psk_len;
	struct ike_p1_conf p1;
	struct ike_traffic *traffic; /* protect entries, in order */
	size_t ntraffic;
	/* Certificates for DSS/RSA signatures and RSA encryption (I4, I8):
	 * NULL with pre-shared keys.  ike_engine_peer_set() takes its own
	 * reference; the caller keeps (and drops) the one it made. */
	struct ike_pki *pki;
};

/* Global engine settings (ipsecGlobals). */
struct ike_global_conf {
	uint16_t ike_port;  /* 500 */
	uint16_t natt_port; /* 4500 */
	uint8_t max_retries;
	uint32_t retry_ms;    /* first retransmission */
	uint32_t retry_max_s; /* longest wait between two */
	uint32_t max_nego_s;  /* whole negotiation */
	uint32_t max_sas;
	uint32_t max_half_open;
	uint8_t zero_cookies; /* zeroed SPI in phase 1 proposals */
	uint8_t cookie_size;  /* its length */
	uint8_t no_initial_contact;
	uint8_t trust_icmp;
	uint16_t max_key_len; /* bits */
};

/* An IPsec SA pair agreed in Quick Mode, handed to the dataplane. */
struct ike_child_sa {
	uint32_t index; /* ipsecSaTable row */
	int32_t peer;
	int32_t traffic;    /* ipsecTrIndex it protects */
	uint8_t proto;      /* AH 2, ESP 3 */
	uint16_t transform; /* ESP/AH transform ID */
	uint16_t auth;      /* Authentication Algorithm attribute */
	uint16_t keylen;    /* bits */
	uint16_t encap;     /* IKE_ENCAP_* */
	uint32_t spi_in, spi_out;
	uint8_t ipcomp; /* deflate (RFC 3173) in front of ESP/AH */
	uint16_t cpi_in, cpi_out;
	uint32_t local, remote;           /* tunnel endpoints, host order */
	uint16_t local_port, remote_port; /* UDP encapsulation */
	struct ike_sel local_sel, remote_sel;
	uint8_t sel_proto;
	struct ike_lifetime life;
	/* KEYMAT, encryption key then integrity key, per direction.  Never
	 * logged; the engine cleanses its copy after the callback. */
	uint8_t key_in[128], key_out[128];
	uint16_t key_len; /* bytes used in each */
	uint8_t pmtu;     /* the profile's propagate PMTU */
};

/*
 * The algorithms of an SA pair as the crypto libraries name them, so that
 * the dataplane needs no algorithm table of its own: cipher is an OpenSSL
 * EVP name, "twofish-cbc" (libgcrypt) or "" (NULL, AH); digest an OpenSSL
 * digest name for HMAC or "".  Lengths in bytes; enc_key_len includes the
 * AEAD salt.  KEYMAT is enc_key_len then auth_key_len bytes.
 */
struct ike_child_alg {
	char cipher[32];
	uint8_t aead;
	uint16_t block_len, iv_len, enc_key_len;
	char digest[16];
	uint16_t auth_key_len, icv_len;
};

/* Fills a for c; -1 if an algorithm is unknown. */
int ike_child_alg(const struct ike_child_sa *c, struct ike_child_alg *a);

/* An ISAKMP SA as the ikeSaTable shows it. */
struct ike_sa_info {
	uint32_t index;
	int32_t peer;
	uint8_t state; /* 1 negotiating, 2 established, 3 deleting */
	uint8_t xchg;  /* IKE_XCHG_* */
	uint8_t auth;  /* 1 PSK, 2 DSS, 3 RSA sig, 4 RSA enc */
	uint8_t initiator;
	uint16_t enc, hash, group, keylen;
	uint32_t local, remote; /* host order */
	uint16_t remote_port;
	uint8_t icookie[8], rcookie[8];
	uint8_t nat; /* 1 none, 2 local, 3 remote, 4 both, 5 off */
	uint32_t lifetime_left;
	char local_id[IKE_CONF_STR], remote_id[IKE_CONF_STR];
};

/* Peer operational states, as ipsecPeerOperStatus. */
enum ike_peer_oper {
	IKE_PEER_UP = 1,
	IKE_PEER_DORMANT,
	IKE_PEER_BLOCKED,
	IKE_PEER_NEGOTIATING,
};

struct ike_callbacks {
	void (*sa_update)(void *arg, const struct ike_sa_info *info);
	void (*sa_delete)(void *arg, uint32_t index);
	void (*child_install)(void *arg, const struct ike_child_sa *c);
	void (*child_delete)(void *arg, uint32_t index);
	/* reason: why a negotiation failed, "" otherwise */
	void (*peer_state)(void *arg, int32_t peer, int oper,
	                   const char *reason);
	/* A Quick Mode for the peer's traffic entry failed (phase 2). */
	void (*child_failed)(void *arg, int32_t peer, int32_t traffic,
	                     const char *reason);
	/* ESP in UDP received on the NAT-T port (host order), or NULL. */
	void (*esp_rx)(void *arg, uint32_t src, uint16_t sport, uint32_t dst,
	               const uint8_t *data, size_t len);
	/*
	 * IPSec callback (C4 step 6): a Main Mode message 1 from from (host
	 * order) returned a callback token.  0 with *peer if we issued it to
	 * that peer and it is still good (it is then used up); -1 with the
	 * reason in why otherwise.  NULL: tokens are ignored.
	 */
	int (*token_check)(void *arg, const uint8_t *token, size_t len,
	                   uint32_t from, int32_t *peer, char *why,
	                   size_t whylen);
};

struct ike_engine;

/*
 * Starts the engine on the loop: binds the IKE and NAT-T ports of bind
 * (0.0.0.0 for all), or ports 0 for tests.  NULL on failure (logged).
 */
struct ike_engine *ike_engine_new(struct event_base *base,
                                  const struct ike_global_conf *g,
                                  uint32_t bind, uint16_t port,
                                  uint16_t natt_port,
                                  const struct ike_callbacks *cb, void *arg);
void ike_engine_free(struct ike_engine *e);
void ike_engine_set_global(struct ike_engine *e,
                           const struct ike_global_conf *g);
/* Adds or replaces a peer (the engine copies c); -1 on bad input. */
int ike_engine_peer_set(struct ike_engine *e, const struct ike_peer_conf *c);
/* Removes a peer and deletes its SAs (with delete notifications). */
void ike_engine_peer_remove(struct ike_engine *e, int32_t index);
/*
 * Sets up phase 1 (if needed) and Quick Mode for the peer's traffic entry
 * (0: its first protect entry): dialup, callback and acquire use it.
 */
int ike_engine_initiate(struct ike_engine *e, int32_t peer, int32_t traffic);
/*
 * IPSec callback (C4 step 5): the peer called us over ISDN and gave its
 * address addr (host order; 0: keep the one it gave last) and a token of
 * len octets (0: none).  Unless SAs to the peer exist, phase 1 starts to
 * that address and Main Mode message 1 returns the token in a vendor ID
 * (docs/isdn.md); traffic as for ike_engine_initiate(), -1: phase 1
 * only.  The address stays the peer's address for later setups while
 * ipsecPeerAddress is empty or cannot be resolved.
 */
#define IKE_CB_TOKEN_MIN 8
#define IKE_CB_TOKEN_MAX 16
int ike_engine_callback(struct ike_engine *e, int32_t peer, uint32_t addr,
                        const uint8_t *token, size_t len, int32_t traffic);
/* Deletes one ISAKMP SA or IPsec SA pair by its table index. */
int ike_engine_delete_sa(struct ike_engine *e, uint32_t index);
int ike_engine_delete_child(struct ike_engine *e, uint32_t index);
/* The dataplane saw inbound traffic on the IPsec SA (phase 2 heartbeats). */
void ike_engine_child_alive(struct ike_engine *e, uint32_t index);
uint16_t ike_engine_port(const struct ike_engine *e, int natt);
uint64_t ike_engine_malformed(const struct ike_engine *e);

/*
 * Certificate material for phase 1 authentication with signatures or RSA
 * encryption (I4, I8, K), as DER.  ike_pki_new() parses and keeps its own
 * copies, so the caller may free (and cleanse) its buffers afterwards.
 */
struct ike_der {
	const uint8_t *data;
	size_t len;
};

/* Advanced settings (A) that concern certificates. */
#define IKE_PKI_IGNORE_CR   0x01 /* act as if the peer sent no CR */
#define IKE_PKI_NO_CR       0x02 /* send no CR payloads */
#define IKE_PKI_NO_CHAINS   0x04 /* send only our own certificate */
#define IKE_PKI_NO_CRLS     0x08 /* send no CRLs */
#define IKE_PKI_NO_KEY_HASH 0x10 /* RSA encryption without HASH(1) */

struct ike_pki_conf {
	struct ike_der cert;       /* our own certificate */
	struct ike_der key;        /* its private key (PKCS#8 or PKCS#1) */
	const struct ike_der *cas; /* trusted CA certificates */
	size_t ncas;
	const struct ike_der *crls;
	size_t ncrls;
	/* Peer certificates (K3): used when a peer sends none, and for RSA
	 * encryption; trusted[i] (may be NULL) skips the chain check (T). */
	const struct ike_der *peers;
	const uint8_t *trusted;
	size_t npeers;
	/* The CAs our certificate requests name; none: every CA. */
	const struct ike_der *req_cas;
	size_t nreq_cas;
	unsigned flags; /* IKE_PKI_* */
};

struct ike_pki;

/* Parses c; NULL with the reason in err (no key material in it). */
struct ike_pki *ike_pki_new(const struct ike_pki_conf *c, char *err,
                            size_t errlen);
struct ike_pki *ike_pki_ref(struct ike_pki *p);
/* Drops a reference; the last one frees (the private key is cleansed). */
void ike_pki_unref(struct ike_pki *p);

#endif
