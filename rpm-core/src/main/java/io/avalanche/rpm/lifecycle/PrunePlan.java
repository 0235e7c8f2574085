package io.avalanche.rpm.lifecycle;

import io.avalanche.rpm.format.Evr;
import io.avalanche.rpm.publish.RepositoryRewrite;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code prune --keep N} keeps and removes, per channel and arch: releases (one version-release, every package
 * name of it) ordered as dnf orders them; the N newest releases dnf offers stay, and in the stable channel the newest
 * stable release always stays (even with --keep 0); a yanked release newer than the oldest kept one stays too (it
 * can be unyanked); everything older goes.
 */
public record PrunePlan(int keep, List<Repository> repositories) implements Serializable {
    private static final long serialVersionUID = 1L;

    public PrunePlan {
        repositories = List.copyOf(repositories);
    }

    /** One release of a repository: its version-release, its package objects, whether yanked, why it stays or goes. */
    public record Release(String evr, List<String> keys, boolean yanked, String why) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Release {
            keys = List.copyOf(keys);
        }
    }

    /** The plan of one repository (channel and arch). */
    public record Repository(String channel, String arch, String dir, String location, List<Release> kept,
                             List<Release> pruned) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Repository {
            kept = List.copyOf(kept);
            pruned = List.copyOf(pruned);
        }

        /** The package objects this plan deletes. */
        public List<String> prunedKeys() {
            return pruned.stream().flatMap(r -> r.keys().stream()).toList();
        }
    }

    /** Plans one repository from what it stores and which package objects are yanked. */
    static Repository plan(int keep, RepositoryRewrite.Repository repo, String location,
                           List<RepositoryRewrite.StoredPackage> packages, Set<String> yankedKeys) {
        Map<Evr, List<RepositoryRewrite.StoredPackage>> byEvr = new TreeMap<>(Comparator.reverseOrder());
        for (RepositoryRewrite.StoredPackage p : packages) {
            byEvr.computeIfAbsent(p.evr(), e -> new ArrayList<>()).add(p);
        }
        List<Release> kept = new ArrayList<>();
        List<Release> pruned = new ArrayList<>();
        int offered = 0;
        boolean newestStableKept = !repo.channel().stable();
        boolean pastOldestKept = false;
        for (Map.Entry<Evr, List<RepositoryRewrite.StoredPackage>> e : byEvr.entrySet()) {
            List<String> keys = e.getValue().stream().map(RepositoryRewrite.StoredPackage::key).sorted().toList();
            boolean yanked = keys.stream().allMatch(yankedKeys::contains);
            String evr = e.getKey().toString();
            if (yanked) {
                if (pastOldestKept || offered >= keep && newestStableKept) {
                    pruned.add(new Release(evr, keys, true, "yanked, older than every release kept"));
                } else {
                    kept.add(new Release(evr, keys, true, "yanked, newer than every release pruned (unyank can restore it)"));
                }
                continue;
            }
            if (offered < keep) {
                offered++;
                newestStableKept = true;
                kept.add(new Release(evr, keys, false, "one of the " + keep + " newest"));
            } else if (!newestStableKept) {
                newestStableKept = true;
                kept.add(new Release(evr, keys, false, "the newest stable release is never pruned"));
            } else {
                pastOldestKept = true;
                pruned.add(new Release(evr, keys, false, "older than the " + keep + " newest"));
            }
        }
        return new Repository(repo.channel().id(), repo.arch(), repo.dir(), location, kept, pruned);
    }

    /** True when nothing would be deleted. */
    public boolean empty() {
        return repositories.stream().allMatch(r -> r.pruned().isEmpty());
    }

    /** The plan as the CLI prints it. */
    public List<String> lines() {
        List<String> l = new ArrayList<>();
        for (Repository r : repositories) {
            l.add("== " + r.channel() + " " + r.arch() + " (" + r.location() + "): keep " + r.kept().size()
                    + ", prune " + r.pruned().size());
            r.kept().forEach(x -> l.add("  keep   " + x.evr() + "  (" + x.why() + ")"));
            for (Release x : r.pruned()) {
                l.add("  prune  " + x.evr() + "  (" + x.why() + "): " + String.join(", ", x.keys()));
            }
        }
        if (repositories.isEmpty()) {
            l.add("no repository to prune");
        }
        return l;
    }

    /** The plan as JSON-ready data: keep, repositories [{channel, arch, dir, location, kept, pruned}]. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keep", keep);
        m.put("repositories", repositories.stream().map(r -> {
            Map<String, Object> e = repository(r.channel(), r.arch(), r.dir(), r.location());
            e.put("kept", r.kept().stream().map(PrunePlan::release).toList());
            e.put("pruned", r.pruned().stream().map(PrunePlan::release).toList());
            return e;
        }).toList());
        return m;
    }

    /** One repository as prune and yank results name it, JSON-ready: channel, arch, dir, location. */
    static Map<String, Object> repository(String channel, String arch, String dir, String location) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", channel);
        m.put("arch", arch);
        m.put("dir", dir);
        m.put("location", location);
        return m;
    }

    private static Map<String, Object> release(Release r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("evr", r.evr());
        m.put("yanked", r.yanked());
        m.put("why", r.why());
        m.put("keys", r.keys());
        return m;
    }
}
