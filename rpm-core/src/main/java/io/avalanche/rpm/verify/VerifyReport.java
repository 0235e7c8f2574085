package io.avalanche.rpm.verify;

import io.avalanche.rpm.format.CheckResult;
import java.util.List;

/** Every check of one package; the package passes only when all checks are OK. */
public record VerifyReport(String file, List<CheckResult> checks) {

    public VerifyReport {
        checks = List.copyOf(checks);
    }

    public boolean ok() {
        return !checks.isEmpty() && checks.stream().allMatch(CheckResult::ok);
    }

    public List<CheckResult> failures() {
        return checks.stream().filter(c -> !c.ok()).toList();
    }
}
