#include <iostream>

#include "run.hpp"

int main(int argc, char** argv) { return mlchain::cli::run(argc, argv, std::cout, std::cerr); }
