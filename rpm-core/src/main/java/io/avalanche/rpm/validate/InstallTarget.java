package io.avalanche.rpm.validate;

import java.nio.file.Path;
import java.util.List;

/** A fresh system to install the release into: a container of the target image or a scratch rpm root. */
public interface InstallTarget extends AutoCloseable {
    /** For messages, e.g. "container rpm-release-validate-1a2b (rockylinux:9)". */
    String describe();

    /** {@code rpm --import} of the published key. */
    Exec.Result importKey(Path key);

    /** {@code rpm -K} of one package with the imported key. */
    Exec.Result checkSignature(Path rpm);

    /**
     * {@code rpm -ivh --define '_pkgverify_level signature'} of all packages at once (on this host with
     * {@code --noscripts --notriggers}).
     */
    Exec.Result install(List<Path> rpms);

    /** Runs an installed program (absolute path inside the target) with arguments. */
    Exec.Result run(String path, String... args);

    /** Exit 0 when the path exists inside the target and is an executable regular file. */
    Exec.Result isExecutable(String path);

    /** For reports: how package code was kept from the host (what confined the programs that ran). */
    String confinement();

    /** Removes the container or scratch root; never throws. */
    @Override
    void close();
}
