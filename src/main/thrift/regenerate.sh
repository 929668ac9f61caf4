#!/bin/sh
# Regenerates the committed Thrift Java sources (apt-get install thrift-compiler, 0.17.x). See ../../../README.md.
cd "$(dirname "$0")" && rm -rf ../java/io/heroncp/aurora/thrift && thrift -gen java:generated_annotations=suppress -out ../java aurora_api.thrift
