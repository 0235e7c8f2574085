package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.publish.RepositoryRewrite;
import io.avalanche.rpm.publish.YumRepository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a yank or unyank planned and, when applied, rewrote: per repository the packages that leave (yank) or return
 * to (unyank) its metadata, the published record, the reason.
 */
public record YankResult(String action, String tag, String release, String reason, String record, boolean applied,
                         List<Change> changes, List<YumRepository.Result> rewritten) {
    public YankResult {
        changes = List.copyOf(changes);
        rewritten = List.copyOf(rewritten);
    }

    /** The packages of one repository (channel and arch) that change. */
    public record Change(String channel, String arch, String dir, String location,
                         List<RepositoryRewrite.StoredPackage> packages) {
        public Change {
            packages = List.copyOf(packages);
        }
    }

    /** The result as the CLI prints it. */
    public List<String> lines() {
        List<String> l = new ArrayList<>();
        String verb = action.equals("yank") ? "leaves" : "returns to";
        l.add((applied ? "" : "PLAN (nothing changed): ") + action + " " + tag + (release == null ? ""
                : " release " + release) + (reason == null ? "" : ": " + reason));
        for (Change c : changes) {
            for (RepositoryRewrite.StoredPackage p : c.packages()) {
                l.add("  " + p.file() + " (" + p.name() + " " + p.evr() + ") " + verb + " the " + c.channel() + " "
                        + c.arch() + " metadata (" + c.location() + ")");
            }
        }
        l.add("  record: " + record + (action.equals("yank") ? "" : " (its entries for this release removed)"));
        if (action.equals("yank")) {
            l.add("  the package objects stay; rpm-release unyank " + tag + " restores them");
        }
        return l;
    }

    /**
     * JSON-ready: action, tag, release, reason, record, applied, repositories [{channel, arch, dir, location,
     * packages}], rewritten.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", action);
        m.put("tag", tag);
        m.put("release", release);
        m.put("reason", reason);
        m.put("record", record);
        m.put("applied", applied);
        m.put("repositories", changes.stream().map(c -> {
            Map<String, Object> e = PrunePlan.repository(c.channel(), c.arch(), c.dir(), c.location());
            e.put("packages", c.packages().stream().map(p -> Map.of("key", p.key(), "name", p.name(),
                    "evr", p.evr().toString(), "arch", p.arch())).toList());
            return e;
        }).toList());
        m.put("rewritten", rewritten.stream().map(YumRepository.Result::dir).toList());
        return m;
    }
}
