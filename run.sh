export LC_ALL=C.UTF-8; /work/wt/harden2/build/ropescope tui; echo exit=$?; sleep 100
