#!/usr/bin/env bash
# Constants of the subnet-evm build (sample).
DEFAULT_VM_ID="srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy"
