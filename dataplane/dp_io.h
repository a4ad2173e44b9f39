/*
 * dp_io.h - the dataplane's Linux file descriptors: the TUN device on the
 * protected side, a raw socket that receives ESP and AH, and one raw
 * socket with our own IP headers for everything the dataplane sends.
 */
#ifndef IPSECGW_DP_IO_H
#define IPSECGW_DP_IO_H

#include <stdint.h>

/* Creates (or attaches to) the TUN device, sets MTU and up: fd or -1. */
int dp_io_tun(const char *name, uint16_t mtu, int *ifindex);
/* Raw socket for IP protocol proto (50, 51), non-blocking: fd or -1. */
int dp_io_raw_rx(int proto);
/* Raw socket with IP_HDRINCL whose packets carry mark: fd or -1. */
int dp_io_raw_tx(uint32_t mark);

#endif
