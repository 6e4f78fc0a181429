# Thin wrapper over waf, as Samba has one.
WAF_PY ?= /usr/bin/python3
SAMBA_SRC ?= samba-src/current
WAF = PYTHONHASHSEED=1 $(WAF_PY) $(SAMBA_SRC)/buildtools/bin/waf

PREFIX ?= /usr/local

all: build/c4che/_cache.py
	$(WAF) build

build/c4che/_cache.py: wscript $(SAMBA_SRC)/bin/default/include/config.h
	$(WAF) configure --prefix=$(PREFIX) --samba-source=$(SAMBA_SRC)

# A fresh machine: fetch and prepare the matching Samba tree first (root)
$(SAMBA_SRC)/bin/default/include/config.h:
	scripts/setup-debian.sh

configure:
	$(WAF) configure --prefix=$(PREFIX) --samba-source=$(SAMBA_SRC)

setup:
	scripts/setup-debian.sh

check:
	tests/run-all.sh

demo:
	tests/demo.sh

bench:
	scripts/benchmark.sh

install: all
	$(WAF) install

uninstall:
	$(WAF) uninstall

clean:
	rm -rf build

.PHONY: all configure setup check demo bench install uninstall clean
