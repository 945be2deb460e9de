#include "app/cli.hpp"

int main(int argc, char** argv) { return rekey::run_cli(argc, argv); }
