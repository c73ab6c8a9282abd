/*
 * user/sh.c — the shell.
 *
 *   sh              interactive on a terminal (prompt "CWD $ "), else reads
 *                   commands from stdin, one line at a time
 *   sh -c LINE      runs LINE and exits with its status
 *   sh FILE [...]   runs the lines of FILE (a script)
 *
 * A line is lexed, parsed and only then run, so a syntax error anywhere in
 * it runs nothing (status 2). Grammar (docs/shell.md):
 *
 *   line      := [list] ['#' comment]
 *   list      := pipeline (( ';' | '&&' | '||' ) pipeline)* [';']
 *   pipeline  := command ('|' command)*
 *   command   := (word | redirect)+
 *   redirect  := ('<' | '>' | '>>' | '2>' | '2>>') word  |  '2>&1'
 *
 * Words keep their raw text (quotes and all) through parsing; they are
 * expanded just before their command runs, so `false; echo $?` sees the
 * status of `false`. Expansion: '...' is literal; "..." expands $ and takes
 * backslash escapes of $ " \ `; unquoted, a backslash quotes the next
 * character; $? (last status), $$ (pid), $NAME and ${NAME} (environment).
 * No field splitting; an unquoted word that expands to nothing is dropped.
 *
 * Invariants: the shell itself never changes fds 0-2 except around a
 * builtin run in place, and restores them after it. Every process of a
 * pipeline is waited for; the pipeline's status is the last command's
 * (128 + signal if it was killed). On a terminal, a job's last process is
 * the console's foreground process while it runs (^C goes to it); while
 * the shell waits for input there is none, so ^C only clears the line.
 * After each job the console's mode is put back as the shell found it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TOKENS     512
#define MAX_COMMANDS   128     /* per line, over all pipelines */
#define MAX_PIPELINES  64      /* per line */
#define MAX_WORDS      64      /* per command */
#define MAX_REDIRS     8       /* per command */
#define MAX_PIPE_STAGES 16

enum token_kind {
    TOK_WORD, TOK_PIPE, TOK_AND, TOK_OR, TOK_SEMI,
    TOK_IN, TOK_OUT, TOK_APPEND, TOK_ERR_OUT, TOK_ERR_APPEND, TOK_ERR_TO_OUT,
    TOK_END,
};

struct token {
    enum token_kind kind;
    const char *text;   /* raw source text of a word (quotes included) */
    size_t len;
};

/* One redirection: the token kind says which; target is a raw word (unused
 * for 2>&1). */
struct redirect {
    enum token_kind kind;
    const struct token *target;
};

struct command {
    const struct token *words[MAX_WORDS];
    int n_words;
    struct redirect redirs[MAX_REDIRS];
    int n_redirs;
};

/* A pipeline and the operator that joins it to the previous one
 * (TOK_SEMI for the first). */
struct pipeline {
    enum token_kind joined_by;
    int first_command, n_commands;      /* into parsed_line.commands */
};

struct parsed_line {
    struct token tokens[MAX_TOKENS];
    int n_tokens;
    struct command commands[MAX_COMMANDS];
    int n_commands;
    struct pipeline pipelines[MAX_PIPELINES];
    int n_pipelines;
};

static int last_status;
static bool interactive;

/* ---- lexing --------------------------------------------------------------- */

static void syntax_error(const char *what)
{
    fprintf(stderr, "sh: syntax error: %s\n", what);
}

static bool is_operator_char(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

/* Length of the word starting at s, honouring quotes and backslashes; -1
 * (with a message) if a quote is not closed. */
static long word_length(const char *s)
{
    const char *p = s;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && !is_operator_char(*p)) {
        if (*p == '\\') {
            p += p[1] ? 2 : 1;
        } else if (*p == '\'') {
            const char *close = strchr(p + 1, '\'');
            if (!close) {
                syntax_error("unterminated '");
                return -1;
            }
            p = close + 1;
        } else if (*p == '"') {
            p++;
            while (*p && *p != '"')
                p += (*p == '\\' && p[1]) ? 2 : 1;
            if (!*p) {
                syntax_error("unterminated \"");
                return -1;
            }
            p++;
        } else {
            p++;
        }
    }
    return p - s;
}

static bool add_token(struct parsed_line *pl, enum token_kind kind, const char *text, size_t len)
{
    if (pl->n_tokens == MAX_TOKENS) {
        syntax_error("line too long");
        return false;
    }
    pl->tokens[pl->n_tokens++] = (struct token){ kind, text, len };
    return true;
}

static bool lex(const char *line, struct parsed_line *pl)
{
    const char *p = line;
    pl->n_tokens = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p == '\0' || *p == '#')
            return add_token(pl, TOK_END, p, 0);
        enum token_kind kind;
        size_t len = 1;
        if (p[0] == '|' && p[1] == '|') { kind = TOK_OR; len = 2; }
        else if (p[0] == '|') kind = TOK_PIPE;
        else if (p[0] == '&' && p[1] == '&') { kind = TOK_AND; len = 2; }
        else if (p[0] == '&') {
            syntax_error("background jobs (&) are not supported");
            return false;
        }
        else if (p[0] == ';') kind = TOK_SEMI;
        else if (p[0] == '<') kind = TOK_IN;
        else if (p[0] == '>' && p[1] == '>') { kind = TOK_APPEND; len = 2; }
        else if (p[0] == '>') kind = TOK_OUT;
        else if (strncmp(p, "2>&1", 4) == 0) { kind = TOK_ERR_TO_OUT; len = 4; }
        else if (strncmp(p, "2>>", 3) == 0) { kind = TOK_ERR_APPEND; len = 3; }
        else if (strncmp(p, "2>", 2) == 0) { kind = TOK_ERR_OUT; len = 2; }
        else {
            long n = word_length(p);
            if (n < 0)
                return false;
            kind = TOK_WORD;
            len = (size_t)n;
        }
        if (!add_token(pl, kind, p, len))
            return false;
        p += len;
    }
}

/* ---- parsing -------------------------------------------------------------- */

static const char *token_name(const struct token *t)
{
    switch (t->kind) {
    case TOK_PIPE: return "|";
    case TOK_AND: return "&&";
    case TOK_OR: return "||";
    case TOK_SEMI: return ";";
    case TOK_IN: return "<";
    case TOK_OUT: return ">";
    case TOK_APPEND: return ">>";
    case TOK_ERR_OUT: return "2>";
    case TOK_ERR_APPEND: return "2>>";
    case TOK_ERR_TO_OUT: return "2>&1";
    case TOK_END: return "end of line";
    default: return "word";
    }
}

static void unexpected(const struct token *t)
{
    fprintf(stderr, "sh: syntax error near unexpected %s\n", token_name(t));
}

static bool is_redirect(enum token_kind k)
{
    return k >= TOK_IN && k <= TOK_ERR_TO_OUT;
}

/* Parses one command starting at tokens[*pos]; false on a syntax error. */
static bool parse_command(struct parsed_line *pl, int *pos, struct command *cmd)
{
    cmd->n_words = cmd->n_redirs = 0;
    for (;;) {
        const struct token *t = &pl->tokens[*pos];
        if (t->kind == TOK_WORD) {
            if (cmd->n_words == MAX_WORDS - 1) {
                syntax_error("too many words in a command");
                return false;
            }
            cmd->words[cmd->n_words++] = t;
            (*pos)++;
        } else if (is_redirect(t->kind)) {
            if (cmd->n_redirs == MAX_REDIRS) {
                syntax_error("too many redirections");
                return false;
            }
            struct redirect *r = &cmd->redirs[cmd->n_redirs++];
            r->kind = t->kind;
            r->target = NULL;
            (*pos)++;
            if (t->kind != TOK_ERR_TO_OUT) {
                const struct token *target = &pl->tokens[*pos];
                if (target->kind != TOK_WORD) {
                    unexpected(target);
                    return false;
                }
                r->target = target;
                (*pos)++;
            }
        } else {
            break;
        }
    }
    if (cmd->n_words == 0 && cmd->n_redirs == 0) {
        unexpected(&pl->tokens[*pos]);
        return false;
    }
    return true;
}

static bool parse(struct parsed_line *pl)
{
    int pos = 0;
    pl->n_commands = pl->n_pipelines = 0;
    enum token_kind joined_by = TOK_SEMI;
    while (pl->tokens[pos].kind != TOK_END) {
        if (pl->n_pipelines == MAX_PIPELINES) {
            syntax_error("too many commands on one line");
            return false;
        }
        struct pipeline *p = &pl->pipelines[pl->n_pipelines++];
        p->joined_by = joined_by;
        p->first_command = pl->n_commands;
        p->n_commands = 0;
        for (;;) {
            if (pl->n_commands == MAX_COMMANDS || p->n_commands == MAX_PIPE_STAGES) {
                syntax_error("too many commands on one line");
                return false;
            }
            if (!parse_command(pl, &pos, &pl->commands[pl->n_commands]))
                return false;
            pl->n_commands++;
            p->n_commands++;
            if (pl->tokens[pos].kind != TOK_PIPE)
                break;
            pos++;
        }
        enum token_kind k = pl->tokens[pos].kind;
        if (k == TOK_END)
            break;
        if (k != TOK_SEMI && k != TOK_AND && k != TOK_OR) {
            unexpected(&pl->tokens[pos]);
            return false;
        }
        pos++;
        /* "a;" is fine; "a &&" and "a ||" need a right-hand side. */
        if (pl->tokens[pos].kind == TOK_END && k != TOK_SEMI) {
            unexpected(&pl->tokens[pos]);
            return false;
        }
        joined_by = k;
    }
    return true;
}

/* ---- expansion ------------------------------------------------------------ */

struct strbuf {
    char *data;
    size_t len, cap;
};

static void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + n + 1)
            cap *= 2;
        char *bigger = realloc(sb->data, cap);
        if (!bigger) {
            fprintf(stderr, "sh: out of memory\n");
            exit(2);
        }
        sb->data = bigger;
        sb->cap = cap;
    }
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

static bool is_name_char(char c, bool first)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (!first && c >= '0' && c <= '9');
}

/* Expands the $-form at s[0] == '$' (s ends at end); returns the characters
 * consumed. A '$' not followed by a name, '?', '$' or '{' stays literal. */
static size_t expand_dollar(const char *s, const char *end, struct strbuf *out)
{
    char num[24];
    if (s + 1 < end && (s[1] == '?' || s[1] == '$')) {
        int n = snprintf(num, sizeof num, "%d", s[1] == '?' ? last_status : (int)getpid());
        sb_putn(out, num, (size_t)n);
        return 2;
    }
    const char *name = s + 1, *name_end;
    size_t consumed;
    if (name < end && *name == '{') {
        name++;
        name_end = name;
        while (name_end < end && *name_end != '}')
            name_end++;
        consumed = (size_t)(name_end - s) + (name_end < end);
    } else {
        name_end = name;
        while (name_end < end && is_name_char(*name_end, name_end == name))
            name_end++;
        consumed = (size_t)(name_end - s);
    }
    if (name_end == name) {
        sb_putn(out, "$", 1);
        return 1;
    }
    char key[128];
    size_t key_len = (size_t)(name_end - name);
    if (key_len < sizeof key) {
        memcpy(key, name, key_len);
        key[key_len] = '\0';
        const char *value = getenv(key);
        if (value)
            sb_putn(out, value, strlen(value));
    }
    return consumed;
}

/* Expands a raw word into a new string; *quoted tells whether it held any
 * quoting (an empty result is then still a word). */
static char *expand_word(const struct token *t, bool *quoted)
{
    struct strbuf out = { NULL, 0, 0 };
    const char *p = t->text, *end = t->text + t->len;
    *quoted = false;
    sb_putn(&out, "", 0);
    while (p < end) {
        if (*p == '\\') {
            *quoted = true;
            if (p + 1 < end) {
                sb_putn(&out, p + 1, 1);
                p += 2;
            } else {
                sb_putn(&out, p, 1);
                p++;
            }
        } else if (*p == '\'') {
            *quoted = true;
            const char *close = memchr(p + 1, '\'', (size_t)(end - p - 1));
            sb_putn(&out, p + 1, (size_t)(close - p - 1));
            p = close + 1;
        } else if (*p == '"') {
            *quoted = true;
            p++;
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end && strchr("$\"\\`", p[1])) {
                    sb_putn(&out, p + 1, 1);
                    p += 2;
                } else if (*p == '$') {
                    p += expand_dollar(p, end, &out);
                } else {
                    sb_putn(&out, p, 1);
                    p++;
                }
            }
            p++;        /* the closing quote (the lexer checked it is there) */
        } else if (*p == '$') {
            p += expand_dollar(p, end, &out);
        } else {
            sb_putn(&out, p, 1);
            p++;
        }
    }
    return out.data;
}

/* argv for a command (NULL-terminated, malloc'd strings); *argc its length. */
static char **expand_words(const struct command *cmd, int *argc)
{
    char **argv = calloc((size_t)cmd->n_words + 1, sizeof *argv);
    if (!argv) {
        fprintf(stderr, "sh: out of memory\n");
        exit(2);
    }
    int n = 0;
    for (int i = 0; i < cmd->n_words; i++) {
        bool quoted;
        char *w = expand_word(cmd->words[i], &quoted);
        if (w[0] == '\0' && !quoted) {
            free(w);
            continue;
        }
        argv[n++] = w;
    }
    *argc = n;
    return argv;
}

static void free_argv(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

/* ---- redirections --------------------------------------------------------- */

/* Applies cmd's redirections to fds 0-2 of this process; false (with a
 * message) if a file cannot be opened. */
static bool apply_redirections(const struct command *cmd)
{
    for (int i = 0; i < cmd->n_redirs; i++) {
        const struct redirect *r = &cmd->redirs[i];
        if (r->kind == TOK_ERR_TO_OUT) {
            dup2(1, 2);
            continue;
        }
        int flags, target_fd;
        switch (r->kind) {
        case TOK_IN: flags = O_RDONLY; target_fd = 0; break;
        case TOK_OUT: flags = O_WRONLY | O_CREAT | O_TRUNC; target_fd = 1; break;
        case TOK_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; target_fd = 1; break;
        case TOK_ERR_OUT: flags = O_WRONLY | O_CREAT | O_TRUNC; target_fd = 2; break;
        default: flags = O_WRONLY | O_CREAT | O_APPEND; target_fd = 2; break;
        }
        bool quoted;
        char *path = expand_word(r->target, &quoted);
        int fd = open(path, flags, 0644);
        if (fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
            free(path);
            return false;
        }
        free(path);
        if (fd != target_fd) {
            dup2(fd, target_fd);
            close(fd);
        }
    }
    return true;
}

/* ---- builtins ------------------------------------------------------------- */

static bool parse_status(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0')
        return false;
    *out = (int)(v & 0xff);
    return true;
}

static int builtin_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("HOME");
    if (!dir)
        dir = "/";
    if (argc > 2) {
        fprintf(stderr, "sh: cd: too many arguments\n");
        return 1;
    }
    if (chdir(dir) < 0) {
        fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return 0;
}

static int builtin_pwd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char *cwd = getcwd(NULL, 0); /* any length */
    if (!cwd) {
        fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
        return 1;
    }
    printf("%s\n", cwd);
    free(cwd);
    return 0;
}

/* `exit` in place ends the shell; in a pipeline only its subshell. */
static int builtin_exit(int argc, char **argv)
{
    int status = last_status;
    if (argc > 1 && !parse_status(argv[1], &status)) {
        fprintf(stderr, "sh: exit: %s: numeric argument required\n", argv[1]);
        status = 2;
    }
    fflush(NULL);
    exit(status);
}

struct builtin {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct builtin builtins[] = {
    { "cd", builtin_cd },
    { "pwd", builtin_pwd },
    { "exit", builtin_exit },
};

static const struct builtin *find_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

/* ---- running -------------------------------------------------------------- */

static int status_of(int wait_status)
{
    if (WIFEXITED(wait_status))
        return WEXITSTATUS(wait_status);
    return 128 + WTERMSIG(wait_status);
}

/* In a child: runs argv (a builtin or a program) and never returns. */
static void exec_command(int argc, char **argv)
{
    if (argc == 0)
        _exit(0);
    const struct builtin *b = find_builtin(argv[0]);
    if (b) {
        int status = b->run(argc, argv);
        fflush(NULL);
        _exit(status);
    }
    execvp(argv[0], argv);
    int err = errno;
    if (err == ENOENT && !strchr(argv[0], '/'))
        fprintf(stderr, "sh: %s: command not found\n", argv[0]);
    else
        fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(err));
    _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/* A lone builtin runs in the shell itself (so cd and exit work), with its
 * redirections applied around it. */
static int run_builtin_in_place(const struct builtin *b, const struct command *cmd,
                                int argc, char **argv)
{
    int saved[3];
    fflush(NULL);
    for (int fd = 0; fd < 3; fd++)
        saved[fd] = dup(fd);
    int status = 1;
    if (apply_redirections(cmd))
        status = b->run(argc, argv);
    fflush(NULL);
    for (int fd = 0; fd < 3; fd++) {
        if (saved[fd] >= 0) {
            dup2(saved[fd], fd);
            close(saved[fd]);
        }
    }
    return status;
}

static void set_foreground(int pid)
{
    if (interactive)
        ioctl(0, TIOCSPGRP, &pid);
}

/* The console's line-discipline flags when the shell started: a job that
 * switched the console to raw mode and died does not leave it so. */
static int console_mode = -1;

static void restore_console_mode(void)
{
    if (interactive && console_mode >= 0)
        ioctl(0, TIOCSMODE, (void *)(uintptr_t)console_mode);
}

static int run_pipeline(const struct parsed_line *pl, const struct pipeline *p)
{
    const struct command *cmds = &pl->commands[p->first_command];
    int n = p->n_commands;
    char **argvs[MAX_PIPE_STAGES] = { 0 };
    int argcs[MAX_PIPE_STAGES];
    for (int i = 0; i < n; i++)
        argvs[i] = expand_words(&cmds[i], &argcs[i]);

    if (n == 1 && argcs[0] > 0) {
        const struct builtin *b = find_builtin(argvs[0][0]);
        if (b) {
            int status = run_builtin_in_place(b, &cmds[0], argcs[0], argvs[0]);
            free_argv(argvs[0]);
            return status;
        }
    }

    pid_t pids[MAX_PIPE_STAGES];
    int started = 0;
    int input_fd = -1;          /* read end of the previous stage's pipe */
    fflush(NULL);
    for (int i = 0; i < n; i++) {
        int pipe_fds[2] = { -1, -1 };
        if (i + 1 < n && pipe(pipe_fds) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
            if (pipe_fds[0] >= 0) {
                close(pipe_fds[0]);
                close(pipe_fds[1]);
            }
            break;
        }
        if (pid == 0) {
            if (input_fd >= 0) {
                dup2(input_fd, 0);
                close(input_fd);
            }
            if (pipe_fds[1] >= 0) {
                dup2(pipe_fds[1], 1);
                close(pipe_fds[1]);
                close(pipe_fds[0]);
            }
            if (!apply_redirections(&cmds[i]))
                _exit(1);
            exec_command(argcs[i], argvs[i]);
        }
        pids[started++] = pid;
        if (input_fd >= 0)
            close(input_fd);
        input_fd = pipe_fds[0];
        if (pipe_fds[1] >= 0)
            close(pipe_fds[1]);
    }
    if (input_fd >= 0)
        close(input_fd);

    int status = 1;             /* a pipeline cut short by fork/pipe failure */
    if (started == n) {
        set_foreground(pids[n - 1]);
        int ws = W_EXITCODE(1, 0);
        pid_t got;
        while ((got = waitpid(pids[n - 1], &ws, 0)) < 0 && errno == EINTR)
            ;
        if (got < 0)
            fprintf(stderr, "sh: wait: %s\n", strerror(errno));
        status = status_of(ws);
        /* ^C killed the job's last process: end the rest of it too. */
        if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGINT)
            for (int i = 0; i < n - 1; i++)
                kill(pids[i], SIGINT);
        else if (WIFSIGNALED(ws) && WTERMSIG(ws) != SIGPIPE)
            fprintf(stderr, "sh: %s: killed by signal %d\n", argvs[n - 1][0] ? argvs[n - 1][0] : "",
                    WTERMSIG(ws));
        started--;
    }
    for (int i = 0; i < started; i++)
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
            ;
    set_foreground(0);
    restore_console_mode();
    for (int i = 0; i < n; i++)
        free_argv(argvs[i]);
    return status;
}

/* Runs one line; returns its status (2 on a syntax error). */
static int run_line(const char *line)
{
    static struct parsed_line pl;
    if (!lex(line, &pl) || !parse(&pl)) {
        last_status = 2;
        return last_status;
    }
    for (int i = 0; i < pl.n_pipelines; i++) {
        const struct pipeline *p = &pl.pipelines[i];
        if (p->joined_by == TOK_AND && last_status != 0)
            continue;
        if (p->joined_by == TOK_OR && last_status == 0)
            continue;
        last_status = run_pipeline(&pl, p);
    }
    return last_status;
}

/* ---- input ---------------------------------------------------------------- */

/* Reads one line (without its newline) into a malloc'd string; NULL at end
 * of input. */
static char *read_line(FILE *in)
{
    struct strbuf sb = { NULL, 0, 0 };
    int c;
    sb_putn(&sb, "", 0);
    while ((c = getc(in)) != EOF && c != '\n') {
        char ch = (char)c;
        sb_putn(&sb, &ch, 1);
    }
    if (c == EOF && sb.len == 0) {
        free(sb.data);
        return NULL;
    }
    return sb.data;
}

static void print_prompt(void)
{
    char *cwd = getcwd(NULL, 0);
    printf("%s $ ", cwd ? cwd : "?");
    free(cwd);
    fflush(stdout);
}

static int run_stream(FILE *in)
{
    for (;;) {
        if (interactive)
            print_prompt();
        char *line = read_line(in);
        if (!line)
            break;
        run_line(line);
        free(line);
    }
    if (interactive)
        printf("\n");
    return last_status;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) {
            fprintf(stderr, "sh: -c: option requires an argument\n");
            return 2;
        }
        return run_line(argv[2]);
    }
    if (argc >= 2) {
        FILE *script = fopen(argv[1], "r");
        if (!script) {
            fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
            return 127;
        }
        int status = run_stream(script);
        fclose(script);
        return status;
    }
    interactive = isatty(0);
    if (interactive) {
        set_foreground(0);
        console_mode = ioctl(0, TIOCGMODE, NULL);
    }
    return run_stream(stdin);
}
