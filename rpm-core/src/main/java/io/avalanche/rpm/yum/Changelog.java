package io.avalanche.rpm.yum;

/** One changelog entry of other.xml. */
public record Changelog(String author, long date, String text) {
}
