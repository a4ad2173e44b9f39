/*
 * agent_schema.c - lookups over the generated MIB descriptors.
 */
#include "agent_schema.h"

#include <string.h>

const struct agent_group *
agent_schema_group(const char *name)
{
	size_t i;

	for (i = 0; i < agent_mib_ngroups; i++)
		if (strcmp(agent_mib_groups[i].name, name) == 0)
			return &agent_mib_groups[i];
	return NULL;
}

int
agent_schema_obj_pos(const struct agent_group *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nobjs; i++)
		if (strcmp(g->objs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
agent_schema_pos_by_subid(const struct agent_group *g, uint32_t subid)
{
	size_t i;

	for (i = 0; i < g->nobjs; i++)
		if (g->objs[i].subid == subid)
			return (int)i;
	return -1;
}

const char *
agent_schema_enum_name(const struct agent_obj *o, int64_t v)
{
	uint8_t i;

	for (i = 0; i < o->nenums; i++)
		if (o->enums[i].value == v)
			return o->enums[i].name;
	return NULL;
}

int
agent_schema_enum_value(const struct agent_obj *o, const char *name, int64_t *v)
{
	uint8_t i;

	for (i = 0; i < o->nenums; i++)
		if (strcmp(o->enums[i].name, name) == 0) {
			*v = o->enums[i].value;
			return 0;
		}
	return -1;
}
