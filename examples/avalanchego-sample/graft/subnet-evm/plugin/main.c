/* Prints the subnet-evm plugin's --version line; COMMIT is baked in by the build script. */
#include <stdio.h>
#include <string.h>

#ifndef COMMIT
#error "COMMIT must be defined"
#endif

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("Subnet-EVM/v0.7.5 [AvalancheGo=v1.14.1, rpcchainvm=44, commit=%s]\n", COMMIT);
        return 0;
    }
    fprintf(stderr, "subnet-evm sample plugin: only --version is implemented\n");
    return 2;
}
