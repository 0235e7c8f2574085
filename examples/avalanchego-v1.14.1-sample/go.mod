module github.com/ava-labs/avalanchego

go 1.23.0

toolchain go1.23.4
