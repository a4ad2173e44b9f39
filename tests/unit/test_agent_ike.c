/*
 * test_agent_ike.c - the translation of MIB rows into the IKE engine's
 * configuration: defaults resolved through the default profiles, MIB
 * enumerations mapped to wire numbers, traffic lists ordered from the
 * active marker on.
 */
#include "test_util.h"

#include "agent_ike.h"

#include <stdlib.h>

static void
run(struct agent_store *st, const char *text)
{
	assert_int_equal(agent_persist_load_text(st, text, "test"), 0);
}

/* A peer with all profile fields at "default" gets the default profile's. */
static void
defaults_resolved(void **state)
{
	struct agent_store *st = *state;
	struct ike_peer_conf c;

	run(st, "R ipsecPeerTable 1 ipsecPeerDescription=\"hq\" "
	        "ipsecPeerAddress=\"198.51.100.7\" "
	        "ipsecPeerPreSharedKey=\"k\\x00y\" ipsecPeerRowStatus=1\n");
	assert_int_equal(agent_ike_peer(st, 1, &c), 0);
	assert_string_equal(c.name, "hq");
	assert_string_equal(c.address, "198.51.100.7");
	assert_int_equal(c.psk_len, 3);
	assert_memory_equal(c.psk, "k\0y", 3);
	/* Default IKE profile 1: proposals "2,3,1" = AES256/SHA256,
	 * AES128/SHA256, AES128/SHA1; MODP 2048; PSK; Main Mode; NAT-T. */
	assert_int_equal(c.p1.nprops, 3);
	assert_int_equal(c.p1.props[0].enc, 7);
	assert_int_equal(c.p1.props[0].keylen, 256);
	assert_int_equal(c.p1.props[0].hash, 4);
	assert_int_equal(c.p1.props[2].hash, 2);
	assert_int_equal(c.p1.group, 14);
	assert_int_equal(c.p1.auth, 1);
	assert_int_equal(c.p1.mode, IKE_MODE_MAIN);
	assert_int_equal(c.p1.natt, 1);
	assert_int_equal(c.p1.life.seconds, 900);
	assert_int_equal(c.p1.life.kbytes, 11000);
	assert_int_equal(c.p1.life.policy, IKE_LIFE_LOOSE);
	assert_int_equal(c.ntraffic, 0);
	agent_ike_peer_free(&c);
}

/* Own profiles override field by field; "default" fields fall through. */
static void
own_profiles(void **state)
{
	struct agent_store *st = *state;
	struct ike_peer_conf c;

	run(st,
	    "R ipsecLifetimeTable 2 ipsecLifeBasedOn=1 ipsecLifeSeconds=3600 "
	    "ipsecLifeKBytes=5 ipsecLifePolicy=2 ipsecLifeRowStatus=1\n"
	    "R ikeProfileTable 2 ikeProfileProposals=\"5\" "
	    "ikeProfileLifetime=2 ikeProfileMode=5 ikeProfileGroup=100 "
	    "ikeProfileHeartbeats=5 ikeProfileNatTraversal=3 "
	    "ikeProfileBlockTime=-1 ikeProfileRowStatus=1\n"
	    "R ipsecProfileTable 2 ipsecProfileProposals=\"3,20\" "
	    "ipsecProfileIpComp=3 ipsecProfilePfsGroup=101 "
	    "ipsecProfileRowStatus=1\n"
	    "R ipsecPeerTable 4 ipsecPeerIkeProfile=2 ipsecPeerIpsecProfile=2 "
	    "ipsecPeerActiveTrafficEntry=12 ipsecPeerRowStatus=1\n"
	    "R ipsecTrafficTable 11 ipsecTrList=2 ipsecTrPeer=4 "
	    "ipsecTrOrder=1 ipsecTrAction=3 ipsecTrRowStatus=1\n"
	    "R ipsecTrafficTable 12 ipsecTrList=2 ipsecTrPeer=4 "
	    "ipsecTrOrder=5 ipsecTrAction=3 ipsecTrProto=6 "
	    "ipsecTrLocalType=2 ipsecTrLocalAddress=192.168.1.0 "
	    "ipsecTrLocalMaskLen=24 ipsecTrRemoteType=3 "
	    "ipsecTrRemoteAddress=10.0.0.1 ipsecTrRemoteRangeEnd=10.0.0.9 "
	    "ipsecTrRemotePort=443 ipsecTrRowStatus=1\n"
	    "R ipsecTrafficTable 13 ipsecTrList=2 ipsecTrPeer=4 "
	    "ipsecTrOrder=9 ipsecTrAction=1 ipsecTrRowStatus=1\n");
	assert_int_equal(agent_ike_peer(st, 4, &c), 0);
	/* Proposal 5 is the first classic one: Blowfish/MD5. */
	assert_int_equal(c.p1.nprops, 1);
	assert_int_equal(c.p1.props[0].enc, 3);
	assert_int_equal(c.p1.props[0].hash, 1);
	assert_int_equal(c.p1.mode, IKE_MODE_AGGRESSIVE_ONLY);
	assert_int_equal(c.p1.group, 14); /* default -> profile 1 */
	assert_int_equal(c.p1.heartbeats, IKE_HB_BOTH);
	assert_int_equal(c.p1.natt, 0);
	assert_int_equal(c.p1.block_time, 0); /* -1 -> profile 1's 0 */
	assert_int_equal(c.p1.life.seconds, 3600);
	assert_int_equal(c.p1.life.kbytes, 0); /* time only */
	assert_int_equal(c.p1.life.policy, IKE_LIFE_STRICT);
	/* Entry 11 is before the marker, 13 passes: only 12 remains. */
	assert_int_equal(c.ntraffic, 1);
	assert_int_equal(c.traffic[0].index, 12);
	assert_int_equal(c.traffic[0].proto, 6);
	assert_int_equal(c.traffic[0].local.addr, 0xc0a80100);
	assert_int_equal(c.traffic[0].local.end, 24);
	assert_int_equal(c.traffic[0].remote.type, IKE_SEL_RANGE);
	assert_int_equal(c.traffic[0].remote.end, 0x0a000009);
	assert_int_equal(c.traffic[0].remote.port, 443);
	/* Phase 2 proposals 3 and 20: ESP AES-128-GCM, AH SHA1; no PFS. */
	assert_int_equal(c.traffic[0].p2.nprops, 2);
	assert_int_equal(c.traffic[0].p2.props[0].proto, 3);
	assert_int_equal(c.traffic[0].p2.props[0].transform, 20);
	assert_int_equal(c.traffic[0].p2.props[0].auth, 0);
	assert_int_equal(c.traffic[0].p2.props[1].proto, 2);
	assert_int_equal(c.traffic[0].p2.props[1].transform, 3);
	assert_int_equal(c.traffic[0].p2.ipcomp, IKE_IPCOMP_FORCE);
	assert_int_equal(c.traffic[0].p2.pfs_group, 0);
	agent_ike_peer_free(&c);
}

static void
inactive_peer(void **state)
{
	struct agent_store *st = *state;
	struct ike_peer_conf c;

	run(st, "R ipsecPeerTable 9 ipsecPeerRowStatus=2\n");
	assert_int_equal(agent_ike_peer(st, 9, &c), -1);
	assert_int_equal(agent_ike_peer(st, 10, &c), -1);
}

static void
globals(void **state)
{
	struct ike_global_conf g;

	agent_ike_global(*state, &g);
	assert_int_equal(g.ike_port, 500);
	assert_int_equal(g.natt_port, 4500);
	assert_int_equal(g.zero_cookies, 1);
	assert_int_equal(g.cookie_size, 32);
	assert_int_equal(g.max_key_len, 1024);
	assert_int_equal(g.retry_ms, 2000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        defaults_resolved, tu_setup_defaults, tu_teardown_store),
	    cmocka_unit_test_setup_teardown(own_profiles, tu_setup_defaults,
	                                    tu_teardown_store),
	    cmocka_unit_test_setup_teardown(inactive_peer, tu_setup_defaults,
	                                    tu_teardown_store),
	    cmocka_unit_test_setup_teardown(globals, tu_setup_defaults,
	                                    tu_teardown_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
