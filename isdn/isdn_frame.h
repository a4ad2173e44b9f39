/*
 * isdn_frame.h - the stream between a `sim` line and isdnsim.  Each frame
 * is a 16-bit big-endian length N (type + payload), a type octet and N-1
 * payload octets:
 *
 *   REGISTER   line -> sim   one own number (MSN), ASCII digits
 *   REG_ACK    sim -> line   the number, registered
 *   REG_NAK    sim -> line   "number reason", refused
 *   Q931       both          one Q.931 message as on the D channel
 *   BDATA      both          B channel number (1, 2), then data
 *   CTL        tool -> sim   a text command (status and counters)
 *   CTL_REPLY  sim -> tool   its text answer
 */
#ifndef IPSECGW_ISDN_FRAME_H
#define IPSECGW_ISDN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define ISDN_FRAME_REGISTER  0x01
#define ISDN_FRAME_REG_ACK   0x02
#define ISDN_FRAME_REG_NAK   0x03
#define ISDN_FRAME_Q931      0x10
#define ISDN_FRAME_BDATA     0x20
#define ISDN_FRAME_CTL       0x30
#define ISDN_FRAME_CTL_REPLY 0x31

#define ISDN_FRAME_HDR         3
#define ISDN_FRAME_PAYLOAD_MAX 4096

/* Writes the frame header for a payload of len octets into hdr. */
int isdn_frame_header(uint8_t type, size_t len, uint8_t hdr[ISDN_FRAME_HDR]);
/*
 * Looks at the start of p: 1 and the frame's parts when a whole frame is
 * there, 0 when more bytes are needed, -1 when the length is invalid
 * (the stream cannot be resynchronised and must be dropped).
 */
int isdn_frame_parse(const uint8_t *p, size_t len, uint8_t *type,
                     const uint8_t **payload, size_t *plen, size_t *used);

#endif
