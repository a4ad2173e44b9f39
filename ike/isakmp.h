/*
 * isakmp.h - IKEv1 wire format: the numbers of RFC 2408 (ISAKMP), RFC 2407
 * (IPsec DOI), RFC 2409 (IKE), RFC 3947 (NAT-T) and RFC 3706 (DPD), and the
 * fixed part of every payload as a plain struct.
 *
 * The structs contain only naturally aligned fields, so they have no padding
 * and their size is the wire size (checked below).  They are never laid over
 * a packet: the codec memcpy()s bytes into a local copy and converts 16 and
 * 32 bit fields with ntohs()/ntohl().  Multi-byte fields are in network order.
 */
#ifndef IPSECGW_ISAKMP_H
#define IPSECGW_ISAKMP_H

#include <stdint.h>

/* UDP ports: IKE, and IKE with the non-ESP marker after NAT (RFC 3948). */
#define IKE_PORT      500
#define IKE_PORT_NATT 4500

/*
 * RFC 2408 3.1 ISAKMP header.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Initiator                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Responder                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Message ID                           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                            Length                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Length covers the whole message, header included.
 */
#define IKE_COOKIE_LEN 8

struct ike_wire_hdr {
	uint8_t icookie[IKE_COOKIE_LEN];
	uint8_t rcookie[IKE_COOKIE_LEN];
	uint8_t next;
	uint8_t version; /* major << 4 | minor */
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

#define IKE_HDR_LEN       28
#define IKE_HDR_NEXT_OFF  16   /* offset of Next Payload */
#define IKE_HDR_LEN_OFF   24   /* offset of Length */
#define IKE_VERSION       0x10 /* 1.0 */
#define IKE_VERSION_MAJOR 1
#define IKE_VERSION_MINOR 0

/* Flags (RFC 2408 3.1): Encryption, Commit, Authentication Only. */
#define IKE_FLAG_E   0x01
#define IKE_FLAG_C   0x02
#define IKE_FLAG_A   0x04
#define IKE_FLAG_ALL (IKE_FLAG_E | IKE_FLAG_C | IKE_FLAG_A)

/* Exchange types: RFC 2408 3.1, RFC 2409 (32, 33), draft ISAKMP-CFG (6). */
#define IKE_XCHG_NONE        0
#define IKE_XCHG_BASE        1
#define IKE_XCHG_IDPROT      2 /* Main Mode */
#define IKE_XCHG_AUTH_ONLY   3
#define IKE_XCHG_AGGRESSIVE  4
#define IKE_XCHG_INFO        5
#define IKE_XCHG_TRANSACTION 6
#define IKE_XCHG_QUICK       32
#define IKE_XCHG_NEWGROUP    33

/*
 * Payload types: RFC 2408 3.1, RFC 3947 (20, 21) and the numbers the NAT-T
 * drafts (draft-ietf-ipsec-nat-t-ike-02/03) used from the private range.
 */
#define IKE_PLD_NONE        0
#define IKE_PLD_SA          1
#define IKE_PLD_PROPOSAL    2
#define IKE_PLD_TRANSFORM   3
#define IKE_PLD_KE          4
#define IKE_PLD_ID          5
#define IKE_PLD_CERT        6
#define IKE_PLD_CR          7
#define IKE_PLD_HASH        8
#define IKE_PLD_SIG         9
#define IKE_PLD_NONCE       10
#define IKE_PLD_NOTIFY      11
#define IKE_PLD_DELETE      12
#define IKE_PLD_VID         13
#define IKE_PLD_NATD        20
#define IKE_PLD_NATOA       21
#define IKE_PLD_NATD_DRAFT  130
#define IKE_PLD_NATOA_DRAFT 131

/*
 * RFC 2408 3.2 Generic payload header, in front of every payload.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Payload Length includes these four octets.
 */
struct ike_wire_gen {
	uint8_t next;
	uint8_t reserved;
	uint16_t length;
};

#define IKE_GEN_LEN     4
#define IKE_PLD_MAX_LEN 65535

/* Domains of interpretation. */
#define IKE_DOI_ISAKMP 0
#define IKE_DOI_IPSEC  1

/*
 * RFC 2408 3.4 Security Association payload, with the IPsec DOI situation
 * of RFC 2407 4.6.1 (32 bits; only SIT_IDENTITY_ONLY is carried without
 * the labelled-domain fields that follow the other situations).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                           Situation                           ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   followed by Proposal payloads
 */
struct ike_wire_sa {
	uint32_t doi;
	uint32_t situation;
};

#define IKE_SIT_IDENTITY_ONLY 0x01
#define IKE_SIT_SECRECY       0x02
#define IKE_SIT_INTEGRITY     0x04

/*
 * RFC 2408 3.5 Proposal payload (inside an SA payload; Next Payload is 2
 * or 0).  Proposals with the same number are AND-ed (e.g. ESP + IPComp),
 * and the numbers increase monotonically between OR-ed alternatives.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                        SPI (variable)                         !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   followed by Transform payloads
 */
struct ike_wire_prop {
	struct ike_wire_gen gen;
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t nxform;
};

#define IKE_SPI_MAX 16 /* ISAKMP: both cookies */

/*
 * RFC 2408 3.6 Transform payload (inside a Proposal; Next Payload is 3 or
 * 0).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Transform #  !  Transform-Id !           RESERVED2           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        SA Attributes                          ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_xform {
	struct ike_wire_gen gen;
	uint8_t num;
	uint8_t id;
	uint16_t reserved2;
};

/*
 * RFC 2408 3.3 Data attribute.  AF=1: TV, the value is the second 16-bit
 * word.  AF=0: TLV, the second word is the length of the value that
 * follows.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !A!       Attribute Type        !    AF=0  Attribute Length     !
 * !F!                             !    AF=1  Attribute Value      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                   AF=0  Attribute Value                       .
 * .                   AF=1  Not Transmitted                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_attr {
	uint16_t type; /* AF bit | type */
	uint16_t lv;   /* TV: value, TLV: length */
};

#define IKE_ATTR_AF   0x8000
#define IKE_ATTR_TYPE 0x7fff

/* Protocol IDs (RFC 2407 4.4.1). */
#define IKE_PROTO_ISAKMP    1
#define IKE_PROTO_IPSEC_AH  2
#define IKE_PROTO_IPSEC_ESP 3
#define IKE_PROTO_IPCOMP    4

/* ISAKMP transform IDs (RFC 2407 4.4.2). */
#define IKE_KEY_IKE 1

/* AH transform IDs (RFC 2407 4.4.3, RFC 4868). */
#define IKE_AH_MD5      2
#define IKE_AH_SHA      3
#define IKE_AH_DES      4
#define IKE_AH_SHA2_256 5
#define IKE_AH_SHA2_384 6
#define IKE_AH_SHA2_512 7

/* ESP transform IDs (RFC 2407 4.4.4, RFC 3602, RFC 3686, RFC 4106). */
#define IKE_ESP_DES_IV64      1
#define IKE_ESP_DES           2
#define IKE_ESP_3DES          3
#define IKE_ESP_RC5           4
#define IKE_ESP_IDEA          5
#define IKE_ESP_CAST          6
#define IKE_ESP_BLOWFISH      7
#define IKE_ESP_3IDEA         8
#define IKE_ESP_DES_IV32      9
#define IKE_ESP_RC4           10
#define IKE_ESP_NULL          11
#define IKE_ESP_AES_CBC       12
#define IKE_ESP_AES_CTR       13
#define IKE_ESP_AES_GCM_8     18
#define IKE_ESP_AES_GCM_12    19
#define IKE_ESP_AES_GCM_16    20
#define IKE_ESP_NULL_AES_GMAC 23

/* IPComp transform IDs (RFC 2407 4.4.5). */
#define IKE_IPCOMP_OUI     1
#define IKE_IPCOMP_DEFLATE 2
#define IKE_IPCOMP_LZS     3

/*
 * Phase 1 attributes (RFC 2409 Appendix A).  B: basic, must be TV.  V:
 * variable, TLV (or TV when the value fits in 16 bits).
 */
#define IKE_ATTR_ENC_ALG       1  /* B */
#define IKE_ATTR_HASH_ALG      2  /* B */
#define IKE_ATTR_AUTH_METHOD   3  /* B */
#define IKE_ATTR_GROUP_DESC    4  /* B */
#define IKE_ATTR_GROUP_TYPE    5  /* B */
#define IKE_ATTR_GROUP_PRIME   6  /* V */
#define IKE_ATTR_GROUP_GEN_ONE 7  /* V */
#define IKE_ATTR_GROUP_GEN_TWO 8  /* V */
#define IKE_ATTR_GROUP_CURVE_A 9  /* V */
#define IKE_ATTR_GROUP_CURVE_B 10 /* V */
#define IKE_ATTR_LIFE_TYPE     11 /* B */
#define IKE_ATTR_LIFE_DURATION 12 /* V */
#define IKE_ATTR_PRF           13 /* B */
#define IKE_ATTR_KEY_LENGTH    14 /* B */
#define IKE_ATTR_FIELD_SIZE    15 /* B */
#define IKE_ATTR_GROUP_ORDER   16 /* V */

/* Phase 1 encryption algorithms (RFC 2409, RFC 3602). */
#define IKE_ENC_DES_CBC      1
#define IKE_ENC_IDEA_CBC     2
#define IKE_ENC_BLOWFISH_CBC 3
#define IKE_ENC_RC5_CBC      4
#define IKE_ENC_3DES_CBC     5
#define IKE_ENC_CAST_CBC     6
#define IKE_ENC_AES_CBC      7

/* Phase 1 hash algorithms (RFC 2409, RFC 4868). */
#define IKE_HASH_MD5      1
#define IKE_HASH_SHA      2
#define IKE_HASH_TIGER    3
#define IKE_HASH_SHA2_256 4
#define IKE_HASH_SHA2_384 5
#define IKE_HASH_SHA2_512 6

/* Phase 1 authentication methods (RFC 2409). */
#define IKE_AUTH_PSK         1
#define IKE_AUTH_DSS_SIG     2
#define IKE_AUTH_RSA_SIG     3
#define IKE_AUTH_RSA_ENC     4
#define IKE_AUTH_RSA_ENC_REV 5

/* Group descriptions (RFC 2409, RFC 3526, RFC 5903). */
#define IKE_GROUP_MODP_768  1
#define IKE_GROUP_MODP_1024 2
#define IKE_GROUP_MODP_1536 5
#define IKE_GROUP_MODP_2048 14
#define IKE_GROUP_MODP_3072 15
#define IKE_GROUP_MODP_4096 16
#define IKE_GROUP_ECP_256   19
#define IKE_GROUP_ECP_384   20
#define IKE_GROUP_ECP_521   21

/* Group types. */
#define IKE_GROUP_TYPE_MODP 1
#define IKE_GROUP_TYPE_ECP  2
#define IKE_GROUP_TYPE_EC2N 3

/* Life types, both phases. */
#define IKE_LIFE_SECONDS   1
#define IKE_LIFE_KILOBYTES 2

/* Phase 2 attributes (RFC 2407 4.5, RFC 3168, RFC 4304). */
#define IKE_IPSEC_ATTR_LIFE_TYPE     1  /* B */
#define IKE_IPSEC_ATTR_LIFE_DURATION 2  /* V */
#define IKE_IPSEC_ATTR_GROUP_DESC    3  /* B */
#define IKE_IPSEC_ATTR_ENCAP_MODE    4  /* B */
#define IKE_IPSEC_ATTR_AUTH_ALG      5  /* B */
#define IKE_IPSEC_ATTR_KEY_LENGTH    6  /* B */
#define IKE_IPSEC_ATTR_KEY_ROUNDS    7  /* B */
#define IKE_IPSEC_ATTR_COMP_DICT     8  /* B */
#define IKE_IPSEC_ATTR_COMP_PRIVALG  9  /* V */
#define IKE_IPSEC_ATTR_ECN_TUNNEL    10 /* B */
#define IKE_IPSEC_ATTR_ESN           11 /* B */

/*
 * Encapsulation modes: RFC 2407, RFC 3947 5.1 (3, 4) and the values
 * draft-ietf-ipsec-nat-t-ike-00..03 used (61443, 61444).
 */
#define IKE_ENCAP_TUNNEL              1
#define IKE_ENCAP_TRANSPORT           2
#define IKE_ENCAP_UDP_TUNNEL          3
#define IKE_ENCAP_UDP_TRANSPORT       4
#define IKE_ENCAP_UDP_TUNNEL_DRAFT    61443
#define IKE_ENCAP_UDP_TRANSPORT_DRAFT 61444

/* Phase 2 authentication algorithms (RFC 2407 4.5, RFC 4868, RFC 3566). */
#define IKE_AUTH_HMAC_MD5      1
#define IKE_AUTH_HMAC_SHA      2
#define IKE_AUTH_DES_MAC       3
#define IKE_AUTH_KPDK          4
#define IKE_AUTH_HMAC_SHA2_256 5
#define IKE_AUTH_HMAC_SHA2_384 6
#define IKE_AUTH_HMAC_SHA2_512 7
#define IKE_AUTH_AES_XCBC_MAC  9

/*
 * RFC 2408 3.8 Identification payload, with the DOI-specific bytes of the
 * IPsec DOI (RFC 2407 4.6.2).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !        Payload Length         !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !   ID Type     !  Protocol ID  !             Port              !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                     Identification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_id {
	uint8_t type;
	uint8_t proto;
	uint16_t port;
};

/* ID types (RFC 2407 4.6.2.1). */
#define IKE_ID_IPV4_ADDR        1
#define IKE_ID_FQDN             2
#define IKE_ID_USER_FQDN        3
#define IKE_ID_IPV4_ADDR_SUBNET 4
#define IKE_ID_IPV6_ADDR        5
#define IKE_ID_IPV6_ADDR_SUBNET 6
#define IKE_ID_IPV4_ADDR_RANGE  7
#define IKE_ID_IPV6_ADDR_RANGE  8
#define IKE_ID_DER_ASN1_DN      9
#define IKE_ID_DER_ASN1_GN      10
#define IKE_ID_KEY_ID           11

/*
 * RFC 2408 3.9 Certificate payload and 3.10 Certificate Request payload:
 * one octet (Cert Encoding / Cert. Type) after the generic header, then the
 * certificate or the certificate authority (may be empty in a request).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Cert Encoding !                                               !
 * +-+-+-+-+-+-+-+-+                                               !
 * ~        Certificate Data / Certificate Authority               ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_cert {
	uint8_t encoding;
};

/* Certificate encodings (RFC 2408 3.9). */
#define IKE_CERT_NONE      0
#define IKE_CERT_PKCS7     1
#define IKE_CERT_PGP       2
#define IKE_CERT_DNS_KEY   3
#define IKE_CERT_X509_SIG  4
#define IKE_CERT_X509_KE   5
#define IKE_CERT_KERBEROS  6
#define IKE_CERT_CRL       7
#define IKE_CERT_ARL       8
#define IKE_CERT_SPKI      9
#define IKE_CERT_X509_ATTR 10
#define IKE_CERT_LAST      IKE_CERT_X509_ATTR

/*
 * RFC 2408 3.14 Notification payload.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                Security Parameter Index (SPI)                 ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Notification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_notify {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
};

/* Notify message types: errors (RFC 2408 3.14.1). */
#define IKE_N_INVALID_PAYLOAD_TYPE      1
#define IKE_N_DOI_NOT_SUPPORTED         2
#define IKE_N_SITUATION_NOT_SUPPORTED   3
#define IKE_N_INVALID_COOKIE            4
#define IKE_N_INVALID_MAJOR_VERSION     5
#define IKE_N_INVALID_MINOR_VERSION     6
#define IKE_N_INVALID_EXCHANGE_TYPE     7
#define IKE_N_INVALID_FLAGS             8
#define IKE_N_INVALID_MESSAGE_ID        9
#define IKE_N_INVALID_PROTOCOL_ID       10
#define IKE_N_INVALID_SPI               11
#define IKE_N_INVALID_TRANSFORM_ID      12
#define IKE_N_ATTRIBUTES_NOT_SUPPORTED  13
#define IKE_N_NO_PROPOSAL_CHOSEN        14
#define IKE_N_BAD_PROPOSAL_SYNTAX       15
#define IKE_N_PAYLOAD_MALFORMED         16
#define IKE_N_INVALID_KEY_INFORMATION   17
#define IKE_N_INVALID_ID_INFORMATION    18
#define IKE_N_INVALID_CERT_ENCODING     19
#define IKE_N_INVALID_CERTIFICATE       20
#define IKE_N_CERT_TYPE_UNSUPPORTED     21
#define IKE_N_INVALID_CERT_AUTHORITY    22
#define IKE_N_INVALID_HASH_INFORMATION  23
#define IKE_N_AUTHENTICATION_FAILED     24
#define IKE_N_INVALID_SIGNATURE         25
#define IKE_N_ADDRESS_NOTIFICATION      26
#define IKE_N_NOTIFY_SA_LIFETIME        27
#define IKE_N_CERTIFICATE_UNAVAILABLE   28
#define IKE_N_UNSUPPORTED_EXCHANGE_TYPE 29
#define IKE_N_UNEQUAL_PAYLOAD_LENGTHS   30
#define IKE_N_ERROR_MAX                 8191

/* Status types: RFC 2408 (16384), RFC 2407 4.6.3, RFC 3706 (DPD). */
#define IKE_N_CONNECTED          16384
#define IKE_N_RESPONDER_LIFETIME 24576
#define IKE_N_REPLAY_STATUS      24577
#define IKE_N_INITIAL_CONTACT    24578
#define IKE_N_R_U_THERE          36136
#define IKE_N_R_U_THERE_ACK      36137

/* DPD (RFC 3706): SPI is both cookies, data is a 32-bit sequence number. */
#define IKE_DPD_SPI_SIZE 16
#define IKE_DPD_SEQ_LEN  4

/*
 * RFC 2408 3.15 Delete payload.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Protocol-Id  !   SPI Size    !           # of SPIs           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~               Security Parameter Index(es) (SPI)              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;
};

/*
 * RFC 3947 5.2 NAT-OA payload (same layout under the draft number 131).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !        Payload length         !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !   ID Type     !   RESERVED    !            RESERVED           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !         IPv4 (4 octets) or IPv6 address (16 octets)           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ike_wire_natoa {
	uint8_t type; /* IKE_ID_IPV4_ADDR or IKE_ID_IPV6_ADDR */
	uint8_t reserved;
	uint16_t reserved2;
};

/*
 * KE (3.7), Hash (3.11), Signature (3.12), Nonce (3.13), Vendor ID (3.16)
 * and NAT-D (RFC 3947 3.2) are a generic header followed by opaque data.
 * RFC 2409 5: a nonce is 8 to 256 octets.
 */
#define IKE_NONCE_MIN 8
#define IKE_NONCE_MAX 256

/* Vendor IDs the NAT-T and DPD hooks look for. */
#define IKE_VID_LEN 16
/* MD5("RFC 3947") */
#define IKE_VID_RFC3947                                                        \
	"\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"
/* MD5("draft-ietf-ipsec-nat-t-ike-02") */
#define IKE_VID_NATT_DRAFT_02                                                  \
	"\xcd\x60\x46\x43\x35\xdf\x21\xf8\x7c\xfd\xb2\xfc\x68\xb6\xa4\x48"
/* MD5("draft-ietf-ipsec-nat-t-ike-02\n"), as sent by many peers */
#define IKE_VID_NATT_DRAFT_02N                                                 \
	"\x90\xcb\x80\x91\x3e\xbb\x69\x6e\x08\x63\x81\xb5\xec\x42\x7b\x1f"
/* MD5("draft-ietf-ipsec-nat-t-ike-03") */
#define IKE_VID_NATT_DRAFT_03                                                  \
	"\x7d\x94\x19\xa6\x53\x10\xca\x6f\x2c\x17\x9d\x92\x15\x52\x9d\x56"
/* RFC 3706 2.2, version 1.0 */
#define IKE_VID_DPD                                                            \
	"\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00"

_Static_assert(sizeof(struct ike_wire_hdr) == IKE_HDR_LEN, "hdr size");
_Static_assert(sizeof(struct ike_wire_gen) == IKE_GEN_LEN, "gen size");
_Static_assert(sizeof(struct ike_wire_sa) == 8, "sa size");
_Static_assert(sizeof(struct ike_wire_prop) == 8, "prop size");
_Static_assert(sizeof(struct ike_wire_xform) == 8, "xform size");
_Static_assert(sizeof(struct ike_wire_attr) == 4, "attr size");
_Static_assert(sizeof(struct ike_wire_id) == 4, "id size");
_Static_assert(sizeof(struct ike_wire_cert) == 1, "cert size");
_Static_assert(sizeof(struct ike_wire_notify) == 8, "notify size");
_Static_assert(sizeof(struct ike_wire_delete) == 8, "delete size");
_Static_assert(sizeof(struct ike_wire_natoa) == 4, "natoa size");

#endif
