package io.avalanche.rpm.yum;

/** One rpm:entry of provides/requires/...: flags (EQ, GE, ...) and epoch/ver/rel are null when absent. */
public record RpmEntry(String name, String flags, String epoch, String ver, String rel, boolean pre) {

    /** Splits an rpm dependency version "[E:]V[-R]" the way createrepo_c does (epoch 0 when absent). */
    public static RpmEntry of(String name, long rpmFlags, String evr, boolean pre) {
        String flags = flagName(rpmFlags);
        if (evr == null || evr.isEmpty()) {
            return new RpmEntry(name, flags, null, null, null, pre);
        }
        String epoch = "0";
        String rest = evr;
        int colon = evr.indexOf(':');
        if (colon >= 0) {
            epoch = evr.substring(0, colon);
            rest = evr.substring(colon + 1);
        }
        String ver = rest;
        String rel = null;
        int dash = rest.lastIndexOf('-');
        if (dash >= 0) {
            ver = rest.substring(0, dash);
            rel = rest.substring(dash + 1);
        }
        return new RpmEntry(name, flags, epoch, ver, rel, pre);
    }

    /** RPMSENSE_LESS 2, GREATER 4, EQUAL 8 to the names yum metadata uses. */
    static String flagName(long f) {
        return switch ((int) (f & 0xe)) {
            case 2 -> "LT";
            case 4 -> "GT";
            case 8 -> "EQ";
            case 10 -> "LE";
            case 12 -> "GE";
            default -> null;
        };
    }
}
