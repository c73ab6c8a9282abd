/*
 * <assert.h> — assert(expr): on failure prints the expression and location
 * to stderr and abort()s. NDEBUG turns it off. Re-includable, as in C.
 */
#undef assert
#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
__attribute__((noreturn))
void __assert_fail(const char *expr, const char *file, int line, const char *func);
#define assert(expr) \
    ((expr) ? (void)0 : __assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif
#ifndef __cplusplus
#define static_assert _Static_assert
#endif
