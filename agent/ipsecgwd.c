/*
 * ipsecgwd.c - the daemon's entry point: options only; the work is in
 * agent_main().
 */
#include "agent.h"

#include "common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int
port_arg(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 65535) {
		fprintf(stderr, "ipsecgwd: bad port '%s'\n", s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: ipsecgwd [options]\n"
	        "  --state-dir DIR     persistent configuration (default %s)\n"
	        "  --master ADDR       be the SNMP master agent on ADDR\n"
	        "                      (default %s)\n"
	        "  --agentx SOCKET     be an AgentX subagent of snmpd instead\n"
	        "  --foreground, -f    stay in the foreground, log to stderr\n"
	        "  --log-level LEVEL   err, warning, notice (default), info, "
	        "debug\n"
	        "  --snmp-debug        turn on Net-SNMP's debug output\n"
	        "  --tun NAME          the tunnel device (default %s); none:\n"
	        "                      no packet I/O (configuration only)\n"
	        "  --isdn sim:PATH     ISDN line for the IPSec callback:\n"
	        "                      isdnsim's socket (default: none)\n"
	        "  --isdn-prepare FILE run before each callback call as\n"
	        "                      FILE PEER NUMBER (C5)\n"
	        "  --help, --version\n",
	        AGENT_DEFAULT_STATE_DIR, AGENT_DEFAULT_MASTER,
	        AGENT_DEFAULT_TUN);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"state-dir", required_argument, NULL, 's'},
	    {"master", required_argument, NULL, 'm'},
	    {"agentx", required_argument, NULL, 'x'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"snmp-debug", no_argument, NULL, 'D'},
	    {"ike-bind", required_argument, NULL, 'b'},
	    {"ike-port", required_argument, NULL, 'p'},
	    {"natt-port", required_argument, NULL, 'n'},
	    {"tun", required_argument, NULL, 't'},
	    {"isdn", required_argument, NULL, 'i'},
	    {"isdn-prepare", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct agent_opts o = {
	    .state_dir = AGENT_DEFAULT_STATE_DIR,
	    .master_addr = AGENT_DEFAULT_MASTER,
	    .log_level = -1, /* from ipsecGlobLogLevel */
	    .ike_port = -1,
	    .natt_port = -1,
	    .tun = AGENT_DEFAULT_TUN,
	};
	char abs_dir[4096];
	int c;

	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.state_dir = optarg;
			break;
		case 'm':
			o.master_addr = optarg;
			break;
		case 'x':
			o.agentx_socket = optarg;
			break;
		case 'f':
			o.foreground = 1;
			break;
		case 'l':
			o.log_level = gw_log_level_parse(optarg);
			if (o.log_level < 0) {
				fprintf(stderr,
				        "ipsecgwd: unknown log level "
				        "'%s'\n",
				        optarg);
				return 2;
			}
			break;
		case 'D':
			o.snmp_debug = 1;
			break;
		case 'b':
			o.ike_bind = optarg;
			break;
		case 'p':
		case 'n':
			if (port_arg(optarg,
			             c == 'p' ? &o.ike_port : &o.natt_port) < 0)
				return 2;
			break;
		case 't':
			o.tun = optarg;
			break;
		case 'i':
			o.isdn = optarg;
			break;
		case 'P':
			o.isdn_prepare = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ipsecgwd " IPSECGW_VERSION "\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* daemon() changes to /: keep a relative state directory valid. */
	if (o.state_dir[0] != '/') {
		char cwd[2048];

		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    snprintf(abs_dir, sizeof(abs_dir), "%s/%s", cwd,
		             o.state_dir) >= (int)sizeof(abs_dir)) {
			fprintf(stderr, "ipsecgwd: state directory path too "
			                "long\n");
			return 2;
		}
		o.state_dir = abs_dir;
	}
	if (!o.foreground && daemon(0, 0) < 0) {
		perror("ipsecgwd: daemon");
		return 1;
	}
	return agent_main(&o);
}
