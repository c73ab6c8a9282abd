/*
 * user/toolkit.h — pieces several of the tools in /bin share, linked into
 * them through USER_EXTRA_SRCS in user/user.mk.
 *
 *   tool_for_each_target  the "FROM TO | FROM... DIR" argument convention of
 *                         cp and mv: calls op(from, target) for each FROM,
 *                         target being TO or DIR/basename(FROM); op reports
 *                         its own errors. Returns the exit status.
 *   tool_print_device     copies a kernel text device (/dev/ps,
 *                         /dev/meminfo) to stdout; exit status, with a
 *                         message saying what is missing.
 */
#ifndef USER_TOOLKIT_H
#define USER_TOOLKIT_H

int tool_for_each_target(const char *prog, int argc, char **argv,
                         int (*op)(const char *from, const char *to));
int tool_print_device(const char *prog, const char *path);

#endif
