// A program outside the project, built against the installed package only.
#include <iostream>

#include "mlchain/codec/cid.hpp"

int main() {
  const auto cid = mlchain::codec::Cid::of_block(1, mlchain::codec::multicodec::raw, mlchain::as_bytes("hello\n"));
  std::cout << cid.to_string() << '\n';
}
