// Builds the tests' precompiled header (see tests/CMakeLists.txt); nothing else.
