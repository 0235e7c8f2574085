package io.avalanche.rpm.yum;

/** One file of a package in the metadata: type is null (regular file), "dir" or "ghost". */
public record PackageFile(String path, String type) {

    /** createrepo_c's rule for which files also go into primary.xml. */
    public boolean primary() {
        return path.startsWith("/etc/") || path.equals("/usr/lib/sendmail") || path.contains("bin/");
    }
}
