/*
 * agent.h - public interface of the ipsecgw SNMP agent: the daemon's main
 * job.  ipsecgwd's main() only parses options and calls agent_main().
 */
#ifndef IPSECGW_AGENT_H
#define IPSECGW_AGENT_H

struct agent_opts {
	const char *state_dir;     /* persistent configuration */
	const char *agentx_socket; /* AgentX subagent mode if set */
	const char *master_addr;   /* embedded master transport */
	int log_level;             /* GW_LOG_* */
	int foreground;
	int snmp_debug;       /* Net-SNMP's own debug tokens */
	const char *ike_bind; /* IKE address, NULL: all */
	int ike_port;         /* -1: ipsecGlobIkePort, 0: any free */
	int natt_port;        /* -1: ipsecGlobNatTPort, 0: any free */
	const char *tun;      /* TUN device, "none": no packet I/O */

	/* The ISDN line "sim:PATH" (NULL: none) and the C5 script run before
	 * each callback call (NULL: none). */
	const char *isdn;
	const char *isdn_prepare;
};

#define AGENT_DEFAULT_MASTER    "udp:127.0.0.1:1161"
#define AGENT_DEFAULT_STATE_DIR "/var/lib/ipsecgw"
#define AGENT_DEFAULT_TUN       "ipsecgw0"

/* Runs the daemon until SIGTERM/SIGINT; returns the process exit code. */
int agent_main(const struct agent_opts *opts);

#endif
