/*
 * agent_schema.h - the MIB as data.  agent_mib_gen.c is generated from
 * mibs/IPSECGW-MIB.txt by scripts/gen-mib-schema (the MIB is the single
 * source of truth); everything else in agent/ works from these descriptors.
 * Private to agent/.
 */
#ifndef IPSECGW_AGENT_SCHEMA_H
#define IPSECGW_AGENT_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

enum agent_vtype {
	AGENT_VT_INTEGER = 1, /* Integer32 with ranges */
	AGENT_VT_ENUM,        /* INTEGER { ... } incl. TruthValue */
	AGENT_VT_UNSIGNED,    /* Unsigned32 with ranges */
	AGENT_VT_STRING,      /* DisplayString: printable text */
	AGENT_VT_OCTETS,      /* OCTET STRING: any bytes */
	AGENT_VT_IPADDR,      /* IpAddress */
	AGENT_VT_ROWSTATUS,   /* RowStatus */
	AGENT_VT_COUNTER32,
	AGENT_VT_COUNTER64,
	AGENT_VT_GAUGE32,
	AGENT_VT_TIMETICKS,
};

enum agent_access {
	AGENT_ACC_NONE = 0, /* not-accessible (indexes) */
	AGENT_ACC_NOTIFY,   /* accessible-for-notify */
	AGENT_ACC_RO,
	AGENT_ACC_RW, /* read-write or read-create */
};

#define AGENT_F_SECRET 0x01 /* write-only: reads return "" */
#define AGENT_F_DEFVAL 0x02 /* has a DEFVAL */
#define AGENT_F_INDEX  0x04 /* the row's index column */

struct agent_range {
	int64_t min;
	int64_t max;
};

struct agent_enum {
	const char *name;
	int32_t value;
};

struct agent_obj {
	const char *name;
	uint32_t subid; /* column number or scalar sub-identifier */
	uint8_t vtype;  /* enum agent_vtype */
	uint8_t access; /* enum agent_access */
	uint8_t flags;  /* AGENT_F_* */
	uint8_t nranges;
	uint8_t nenums;
	const struct agent_range
	    *ranges; /* value ranges, or SIZE for strings */
	const struct agent_enum *enums;
	int64_t def_int; /* DEFVAL for numeric types (IpAddress host order) */
	const char *def_str; /* DEFVAL for string types */
};

enum agent_group_kind {
	AGENT_GROUP_SCALARS = 1,
	AGENT_GROUP_CONFIG_TABLE, /* read-create table with RowStatus */
	AGENT_GROUP_STATUS_TABLE, /* rows owned by the engines */
};

struct agent_group {
	const char *name;    /* e.g. "ipsecPeerTable" */
	uint8_t kind;        /* enum agent_group_kind */
	const uint32_t *oid; /* scalar group node or table entry */
	size_t oid_len;
	const struct agent_obj *objs;
	size_t nobjs;
	int rowstatus_pos; /* position of RowStatus, or -1 */
};

extern const struct agent_group agent_mib_groups[];
extern const size_t agent_mib_ngroups;
extern const uint32_t agent_mib_root[]; /* ipsecgwObjects */
extern const size_t agent_mib_root_len;

const struct agent_group *agent_schema_group(const char *name);
int agent_schema_obj_pos(const struct agent_group *g, const char *name);
int agent_schema_pos_by_subid(const struct agent_group *g, uint32_t subid);
const char *agent_schema_enum_name(const struct agent_obj *o, int64_t v);
int agent_schema_enum_value(const struct agent_obj *o, const char *name,
                            int64_t *v);

#include "agent_mib_gen.h"

#endif
