/* Stand-in for the subnet-evm plugin: prints --version as upstream's plugin/main.go does since v1.14.2-rc.12. */
#include <stdio.h>
#include <string.h>

#ifndef GIT_COMMIT
#error "GIT_COMMIT must be defined (scripts/build.sh passes the commit)"
#endif

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("Subnet-EVM/v1.14.2@%s [rpcchainvm=44]\n", GIT_COMMIT);
        return 0;
    }
    fprintf(stderr, "subnet-evm sample plugin: only --version is implemented\n");
    return 2;
}
