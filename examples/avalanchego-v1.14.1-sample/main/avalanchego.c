/* Stand-in for avalanchego: prints --version exactly as upstream's version.Versions.String() does. */
#include <stdio.h>
#include <string.h>

#ifndef GIT_COMMIT
#error "GIT_COMMIT must be defined (scripts/build.sh passes the commit)"
#endif

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=%s, go=1.23.9]\n", GIT_COMMIT);
        return 0;
    }
    fprintf(stderr, "avalanchego sample: only --version is implemented\n");
    return 2;
}
