/*
 * Stand-in for avalanchego: --version prints exactly what upstream's version.Versions.String() prints. Without
 * --version it runs as a node until SIGTERM or SIGINT, as upstream's main does, with the same flags the
 * avalanchego-service unit passes and the same checks and files upstream makes:
 *   --config-file=F  must be a readable JSON object ("couldn't load node config" otherwise)
 *   --plugin-dir=D   must exist and be a directory (config.getPluginDir)
 *   --data-dir=D     default $HOME/.avalanchego; D/logs/main.log and D/process.json (node.writeProcessContext,
 *                    {"pid", "uri", "stakingAddress"}, mode 0640; removed on shutdown)
 * Log lines use upstream's console format. One difference: where upstream refuses to start because the hard
 * open-files limit is below --fd-limit (32768), the stand-in only warns, so it also runs in containers whose
 * engine caps the limit lower.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef GIT_COMMIT
#error "GIT_COMMIT must be defined (scripts/build.sh passes the commit)"
#endif

#define VERSION "avalanchego/1.14.1"
#define FD_LIMIT 32768

static volatile sig_atomic_t stop_signal;
static FILE *logfile;

static void on_signal(int sig) {
    stop_signal = sig;
}

/* [MM-DD|HH:MM:SS.mmm] LEVEL file:line message {fields}, as upstream's console logger writes. */
static void logline(const char *level, const char *where, const char *fields, const char *fmt, ...) {
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        exit(1);
    }
    va_end(ap);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%m-%d|%H:%M:%S", &tm);
    for (FILE *out = stdout; out != NULL; out = (out == stdout ? logfile : NULL)) {
        fprintf(out, "[%s.%03ld] %s %s %s%s%s\n", stamp, (long) (tv.tv_usec / 1000), level, where, msg,
                fields[0] ? " " : "", fields);
        fflush(out);
    }
    free(msg);
}

/* A formatted string on the heap (the stand-in never frees: it runs until signalled). */
static char *fmt(const char *f, ...) {
    char *s = NULL;
    va_list ap;
    va_start(ap, f);
    if (vasprintf(&s, f, ap) < 0) {
        perror("vasprintf");
        exit(1);
    }
    va_end(ap);
    return s;
}

static const char *flag_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) {
        return NULL;
    }
    if (argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (argv[*i][n] == '\0' && *i + 1 < argc) {
        return argv[++*i];
    }
    return NULL;
}

static int run_node(int argc, char **argv) {
    const char *data_dir = NULL, *plugin_dir = NULL, *config_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = flag_value(argc, argv, &i, "--data-dir")) != NULL) {
            data_dir = v;
        } else if ((v = flag_value(argc, argv, &i, "--plugin-dir")) != NULL) {
            plugin_dir = v;
        } else if ((v = flag_value(argc, argv, &i, "--config-file")) != NULL) {
            config_file = v;
        } else {
            fprintf(stderr, "unknown flag: %s\n", argv[i]);
            return 1;
        }
    }
    if (config_file != NULL) {
        FILE *f = fopen(config_file, "r");
        if (f == NULL) {
            fprintf(stderr, "couldn't load node config: open %s: %s\n", config_file, strerror(errno));
            return 1;
        }
        int c;
        while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\t' || c == '\r') {
        }
        fclose(f);
        if (c != '{') {
            fprintf(stderr, "couldn't load node config: While parsing config: %s is not a JSON object\n",
                    config_file);
            return 1;
        }
    }
    struct stat st;
    if (plugin_dir != NULL && (stat(plugin_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "couldn't load node config: plugin dir \"%s\" not found or not a directory\n", plugin_dir);
        return 1;
    }
    if (data_dir == NULL) {
        data_dir = fmt("%s/.avalanchego", getenv("HOME") ? getenv("HOME") : ".");
    }
    char *logs = fmt("%s/logs", data_dir);
    char *log_path = fmt("%s/main.log", logs);
    char *context = fmt("%s/process.json", data_dir);
    if ((mkdir(data_dir, 0750) != 0 && errno != EEXIST) || (mkdir(logs, 0750) != 0 && errno != EEXIST)
        || (logfile = fopen(log_path, "a")) == NULL) {
        fprintf(stderr, "couldn't initialize log directory %s: %s\n", logs, strerror(errno));
        return 1;
    }
    logline("INFO", "node/node.go:1592", fmt("{\"version\": \"%s\", \"commit\": \"%s\", \"dataDir\": \"%s\", "
            "\"pluginDir\": \"%s\", \"configFile\": \"%s\"}", VERSION, GIT_COMMIT, data_dir,
            plugin_dir ? plugin_dir : "", config_file ? config_file : ""), "initializing node");

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t want = rl.rlim_max < FD_LIMIT ? rl.rlim_max : FD_LIMIT;
        rl.rlim_cur = want;
        setrlimit(RLIMIT_NOFILE, &rl);
        if (want < FD_LIMIT) {
            logline("WARN", "ulimit/ulimit_unix.go:58", fmt("{\"limit\": %lu, \"recommendedLimit\": %d}",
                    (unsigned long) want, FD_LIMIT),
                    "fd-limit is less than recommended and could result in reduced performance");
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    logline("INFO", "node/node.go:655", fmt("{\"path\": \"%s\"}", context), "writing process context");
    mode_t old = umask(0);
    FILE *pc = NULL;
    int fd = open(context, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    umask(old);
    if (fd < 0 || (pc = fdopen(fd, "w")) == NULL) {
        fprintf(stderr, "failed to write process context: open %s: %s\n", context, strerror(errno));
        return 1;
    }
    fprintf(pc, "{\n  \"pid\": %d,\n  \"uri\": \"http://127.0.0.1:9650\",\n  \"stakingAddress\": "
            "\"127.0.0.1:9651\"\n}", (int) getpid());
    fclose(pc);

    sigset_t none;
    sigemptyset(&none);
    while (!stop_signal) {
        sigsuspend(&none);
    }
    logline("INFO", "main/main.go:98", fmt("{\"signal\": \"%s\"}", stop_signal == SIGTERM ? "terminated"
            : "interrupt"), "received shutdown signal");
    unlink(context);
    logline("INFO", "node/node.go:1702", "", "finished node shutdown");
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=%s, go=1.23.9]\n", GIT_COMMIT);
        return 0;
    }
    return run_node(argc, argv);
}
