/*
 * embedded.c: the demo framework (examples/riverside/framework.yaml) built
 * into the binary, so `backbone demo` works from any directory.  The bytes
 * come from build/gen/riverside_yaml.h, which the Makefile makes from the
 * YAML file with od and sed.
 */
#include "demo/demo.h"

static const char yaml[] = {
#include "riverside_yaml.h"
	0
};

const char *
bb_demo_framework(size_t *len)
{
	*len = sizeof(yaml) - 1;
	return yaml;
}
