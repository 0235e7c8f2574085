package io.avalanche.rpm.format;

import java.util.Set;

/** File attributes of FILEFLAGS (tag 1037) this project writes, with rpm 4.16's bit values (lib/rpmfiles.h). */
public enum FileFlag {
    /** %config: a locally modified copy is saved as .rpmsave on erase and upgrade. */
    CONFIG(1),
    /** %config(missingok). */
    MISSINGOK(1 << 3),
    /** %config(noreplace): a locally modified copy is kept on upgrade; the new one is written as .rpmnew. */
    NOREPLACE(1 << 4),
    /** %ghost: owned and removed with the package, never written by it (not in the payload). */
    GHOST(1 << 6);

    private final int bit;

    FileFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** The FILEFLAGS value of a set of flags. */
    public static int bits(Set<FileFlag> flags) {
        int b = 0;
        for (FileFlag f : flags) {
            b |= f.bit;
        }
        return b;
    }
}
