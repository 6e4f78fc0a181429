# Thin wrapper over waf, as Samba has one.
WAF_PY ?= /usr/bin/python3
SAMBA_SRC ?= samba-src/current
WAF = PYTHONHASHSEED=1 $(WAF_PY) $(SAMBA_SRC)/buildtools/bin/waf

PREFIX ?= /usr/local

all: build/c4che/_cache.py
	$(WAF) build

build/c4che/_cache.py: wscript $(SAMBA_SRC)/bin/default/lib/param/param_global.h
	$(WAF) configure --prefix=$(PREFIX) --samba-source=$(SAMBA_SRC)

# A fresh machine, or a tree an older make setup prepared: the server
# set-up first (root): build tools and the matching Samba tree, no test kit
$(SAMBA_SRC)/bin/default/lib/param/param_global.h:
	scripts/setup-server.sh

configure:
	$(WAF) configure --prefix=$(PREFIX) --samba-source=$(SAMBA_SRC)

# what a server needs to build, install and rebuild the module
setup:
	scripts/setup-server.sh

# the server set-up and the test kit (make demo and make check run it)
setup-testbox:
	scripts/setup-testbox.sh

check:
	tests/run

demo:
	tests/demo.sh

bench:
	scripts/benchmark.sh

# profileacl-check's walk against find (docs/benchmark-check.md)
bench-check: all
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 tests/bench_check.py

install: all
	$(WAF) install

uninstall:
	$(WAF) uninstall

clean:
	rm -rf build

.PHONY: all configure setup setup-testbox check demo bench bench-check install \
	uninstall clean

# the upstream series (upstream/) on a samba git tree: git am on a new
# branch, configure, build, the module's tests through make test
upstream-check:
	scripts/upstream-check.sh $(SAMBA)

.PHONY: upstream-check
