/* mhd_load.c - libmicrohttpd loaded on first use (see mhd_load.h). */
#include "mhd_load.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util.h"

#ifndef CCBOARD_MHD_SONAME
#define CCBOARD_MHD_SONAME "libmicrohttpd.so.12"
#endif

static struct mhd_api api;
static bool loaded;

/* The address of symbol name in lib into *slot (a function pointer's
 * storage: POSIX has dlsym's object pointers convert to them). */
static bool bind_sym(void *lib, const char *name, void *slot)
{
	void *p = dlsym(lib, name);
	if (!p)
		return false;
	memcpy(slot, &p, sizeof p);
	return true;
}

const struct mhd_api *mhd_load(char **cause)
{
	static const struct { const char *name; size_t off; } syms[] = {
		{ "MHD_start_daemon", offsetof(struct mhd_api, start_daemon) },
		{ "MHD_stop_daemon", offsetof(struct mhd_api, stop_daemon) },
		{ "MHD_run", offsetof(struct mhd_api, run) },
		{ "MHD_get_timeout", offsetof(struct mhd_api, get_timeout) },
		{ "MHD_get_daemon_info", offsetof(struct mhd_api, get_daemon_info) },
		{ "MHD_create_response_from_buffer",
		  offsetof(struct mhd_api, create_response_from_buffer) },
		{ "MHD_add_response_header", offsetof(struct mhd_api, add_response_header) },
		{ "MHD_queue_response", offsetof(struct mhd_api, queue_response) },
		{ "MHD_destroy_response", offsetof(struct mhd_api, destroy_response) },
		{ "MHD_lookup_connection_value", offsetof(struct mhd_api, lookup_connection_value) },
	};
	struct mhd_api a;
	void *lib;
	if (loaded)
		return &api;
	if ((lib = dlopen(CCBOARD_MHD_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		const char *why = dlerror();
		*cause = xasprintf("cannot load libmicrohttpd: %s", why ? why : CCBOARD_MHD_SONAME);
		return NULL;
	}
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
		if (!bind_sym(lib, syms[i].name, (char *)&a + syms[i].off)) {
			*cause = xasprintf("%s has no %s", CCBOARD_MHD_SONAME, syms[i].name);
			dlclose(lib);
			return NULL;
		}
	api = a;
	loaded = true;
	return &api;
}
