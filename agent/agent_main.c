/*
 * agent_main.c - start-up and the main loop of ipsecgwd: configuration
 * store and persistence first (a bad state file stops us before anything
 * listens), then Net-SNMP in the exact order the library needs, then the
 * libevent loop until SIGTERM or SIGINT.
 */
#include "agent.h"
#include "agent_engine.h"
#include "agent_isdn.h"
#include "agent_persist.h"
#include "agent_pki.h"
#include "agent_snmp.h"
#include "agent_trap.h"

#include "common.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define APPNAME "ipsecgwd"

/* Registers the rocommunity/rwuser tokens; not in the installed headers. */
void init_vacm_conf(void);
/* Standard agent groups of libnetsnmpmibs; not in the installed headers. */
void init_system_mib(void);
void init_snmp_mib(void);
void init_snmpEngine(void);
void init_snmpMPDStats(void);
void init_usmStats(void);

/*
 * An embedded master answers like any SNMP agent: sysDescr, sysUpTime,
 * the snmp counters and the SNMPv3 engine (snmpEngineID, which a
 * notification receiver needs to know the user of our SNMPv3 traps).
 */
static void
standard_groups(void)
{
	init_system_mib();
	init_snmp_mib();
	init_snmpEngine();
	init_snmpMPDStats();
	init_usmStats();
}

/* Net-SNMP's own messages, minus their trailing newline, into our log. */
static int
snmp_log_cb(int major, int minor, void *server, void *client)
{
	struct snmp_log_message *m = server;
	char buf[1024];
	size_t n;
	int level;

	(void)major;
	(void)minor;
	(void)client;
	if (m == NULL || m->msg == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", m->msg);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	level = m->priority <= LOG_ERR       ? GW_LOG_ERR
	        : m->priority == LOG_WARNING ? GW_LOG_WARNING
	        : m->priority == LOG_NOTICE  ? GW_LOG_NOTICE
	        : m->priority == LOG_INFO    ? GW_LOG_INFO
	                                     : GW_LOG_DEBUG;
	gw_log(level, "snmp: %s", buf);
	return 0;
}

/*
 * Pushes committed changes to whoever acts on them.  The engines subscribe
 * here as they arrive; the agent itself follows ipsecGlobLogLevel.
 */
/* The MIB counts emerg(1)..debug(8), syslog 0..7. */
static void
apply_log_level(const struct agent_row *glob)
{
	int level = (int)glob->v[AGENT_C_ipsecGlobLogLevel].i - 1;

	gw_log_set_level(level < GW_LOG_ERR ? GW_LOG_ERR : level);
}

static void
on_commit(void *arg, int gid, const struct agent_row *old_row,
          const struct agent_row *new_row)
{
	(void)arg;
	agent_engine_changed(gid, old_row, new_row);
	agent_isdn_changed(gid, old_row, new_row);
	agent_pki_changed(gid, old_row, new_row);
	if (gid == AGENT_G_ipsecGlobals && new_row != NULL &&
	    (old_row == NULL || old_row->v[AGENT_C_ipsecGlobLogLevel].i !=
	                            new_row->v[AGENT_C_ipsecGlobLogLevel].i)) {
		apply_log_level(new_row);
		gw_notice("log level is now %d",
		          (int)new_row->v[AGENT_C_ipsecGlobLogLevel].i - 1);
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	gw_notice("signal %d: shutting down", (int)sig);
	event_base_loopbreak(arg);
}

/*
 * Net-SNMP reads APPNAME.conf from SNMPCONFPATH: pointing that at the state
 * directory keeps the agent's communities and v3 users next to the rest of
 * its configuration, and keeps /etc/snmp out of it.  Without that file the
 * try-it default applies: loopback only, public read-only, private read-write.
 */
static int
snmp_config_paths(const struct agent_opts *o)
{
	static const char *const try_it[] = {
	    "rocommunity public 127.0.0.1 -V ipsecgwAll",
	    "rwcommunity private 127.0.0.1 -V ipsecgwAll",
	    "view ipsecgwAll included .1",
	};
	char path[4096], persist[4096];
	size_t i;

	snprintf(path, sizeof(path), "%s/" APPNAME ".conf", o->state_dir);
	snprintf(persist, sizeof(persist), "%s/snmp", o->state_dir);
	if (mkdir(persist, 0700) < 0 && errno != EEXIST) {
		gw_err("%s: %s", persist, strerror(errno));
		return -1;
	}
	setenv("SNMPCONFPATH", o->state_dir, 1);
	setenv("MIBS", "", 1);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
	                      NETSNMP_DS_LIB_PERSISTENT_DIR, persist);
	if (o->agentx_socket == NULL && access(path, F_OK) != 0) {
		gw_notice("no %s: try-it default, v2c on 127.0.0.1 only "
		          "(community public read-only, private read-write)",
		          path);
		/* Net-SNMP keeps each line and frees it later. */
		// NOLINTBEGIN(clang-analyzer-unix.Malloc)
		for (i = 0; i < sizeof(try_it) / sizeof(try_it[0]); i++)
			netsnmp_config_remember(strdup(try_it[i]));
		// NOLINTEND(clang-analyzer-unix.Malloc)
	}
	return 0;
}

static int
snmp_start(const struct agent_opts *o, struct agent_store *st)
{
	if (o->agentx_socket != NULL)
		netsnmp_enable_subagent();
	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	                       snmp_log_cb, NULL);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	                       NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	                   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 5);
	if (o->agentx_socket != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
		                      NETSNMP_DS_AGENT_X_SOCKET,
		                      o->agentx_socket);
	else
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
		                      NETSNMP_DS_AGENT_PORTS, o->master_addr);
	if (snmp_config_paths(o) < 0)
		return -1;
	if (o->snmp_debug)
		snmp_set_do_debugging(1);
	if (init_agent(APPNAME) != 0) {
		gw_err("%s: init_agent failed", __func__);
		return -1;
	}
	if (o->agentx_socket == NULL) {
		init_vacm_conf();
		standard_groups();
	}
	if (agent_snmp_register(st) < 0)
		return -1;
	init_snmp(APPNAME);
	if (o->agentx_socket == NULL && init_master_agent() != 0) {
		gw_err("cannot listen on %s", o->master_addr);
		return -1;
	}
	if (o->agentx_socket == NULL) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/" APPNAME ".conf",
		         o->state_dir);
		agent_trap_check_v3_users(path);
	}
	return 0;
}

/* The IKE engine; a port it cannot bind stops the daemon, clearly. */
static int
start_ike(const struct agent_opts *o, struct agent_store *st,
          struct event_base *base)
{
	struct in_addr a = {0};

	if (o->ike_bind != NULL && inet_pton(AF_INET, o->ike_bind, &a) != 1) {
		gw_err("--ike-bind %s is not an IPv4 address", o->ike_bind);
		return -1;
	}
	if (agent_engine_start(st, base, ntohl(a.s_addr), o->ike_port,
	                       o->natt_port, o->tun) < 0) {
		gw_err("cannot start IKE (is another IKE daemon using UDP 500 "
		       "or 4500?)");
		return -1;
	}
	return agent_isdn_start(st, base, o->isdn, o->isdn_prepare,
	                        ntohl(a.s_addr));
}

int
agent_main(const struct agent_opts *o)
{
	struct agent_store *st = NULL;
	struct agent_persist *p = NULL;
	struct event_base *base = NULL;
	struct event *sig_term = NULL, *sig_int = NULL;
	struct agent_ev *ev = NULL;
	int rc = 1;

	gw_log_init(APPNAME, !o->foreground,
	            o->log_level >= 0 ? o->log_level : GW_LOG_NOTICE);
	signal(SIGPIPE, SIG_IGN);
	umask(077);
	st = agent_store_new();
	if (st == NULL)
		goto out;
	p = agent_persist_open(st, o->state_dir);
	if (p == NULL) {
		gw_err("cannot load the configuration from %s; nothing was "
		       "changed - fix or move the file named above",
		       o->state_dir);
		goto out;
	}
	if (o->log_level < 0)
		apply_log_level(agent_store_get(st, AGENT_G_ipsecGlobals, 0));
	/* Loading read whole files; give that memory back to the system. */
	malloc_trim(0);
	agent_store_set_observer(st, on_commit, NULL);
	base = event_base_new();
	if (base == NULL || agent_pki_start(st, base, o->state_dir) < 0 ||
	    snmp_start(o, st) < 0 || start_ike(o, st, base) < 0)
		goto out;
	ev = agent_ev_new(base);
	agent_trap_init(ev);
	sig_term = evsignal_new(base, SIGTERM, on_signal, base);
	sig_int = evsignal_new(base, SIGINT, on_signal, base);
	if (ev == NULL || sig_term == NULL || sig_int == NULL ||
	    evsignal_add(sig_term, NULL) < 0 || evsignal_add(sig_int, NULL) < 0)
		goto out;
	gw_notice("ready: %s %s, state in %s",
	          o->agentx_socket ? "AgentX subagent of" : "master agent on",
	          o->agentx_socket ? o->agentx_socket : o->master_addr,
	          o->state_dir);
	event_base_dispatch(base);
	rc = 0;
out:
	agent_isdn_stop();
	agent_engine_stop();
	agent_pki_stop();
	if (base != NULL) {
		agent_snmp_unregister();
		snmp_shutdown(APPNAME);
	}
	agent_ev_free(ev);
	if (sig_term != NULL)
		event_free(sig_term);
	if (sig_int != NULL)
		event_free(sig_int);
	if (base != NULL)
		event_base_free(base);
	agent_persist_close(p);
	agent_store_free(st);
	return rc;
}
