/* Prints avalanchego's --version line; COMMIT is baked in by scripts/build.sh. */
#include <stdio.h>
#include <string.h>

#ifndef COMMIT
#error "COMMIT must be defined"
#endif

int main(int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-version") == 0)) {
        printf("avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, commit=%s, go=1.23.4]\n", COMMIT);
        return 0;
    }
    fprintf(stderr, "avalanchego sample: only --version is implemented\n");
    return 2;
}
