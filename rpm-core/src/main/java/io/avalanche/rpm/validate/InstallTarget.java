package io.avalanche.rpm.validate;

import java.util.List;

/** A fresh system to install the release into: a container of the target image or a scratch rpm root. */
public interface InstallTarget extends AutoCloseable {
    /** For messages, e.g. "container rpm-release-validate-1a2b (rockylinux:9)". */
    String describe();

    /**
     * Runs the steps in order, each only when every step it needs passed. A step that should have run but has no
     * result (the target stopped or timed out) gets exit status -1 and a message saying so. ValidationException
     * when the target cannot run them at all (it cannot start, or it is not the platform asked for).
     */
    Step.Results run(List<Step> steps);

    /** How package code was kept from this host, for the report. */
    String confinement();

    /** Removes the container or scratch root; never throws. */
    @Override
    void close();
}
