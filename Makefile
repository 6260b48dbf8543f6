# Thin wrapper around ./dev for those who type `make`.
.PHONY: help demo test build
help: ; @./dev help
demo: ; ./dev demo
test: ; ./dev test
build: ; ./dev build
