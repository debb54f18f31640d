// Drives mlchain's IPFS clients and CAR codec for tests/interop/ipfs_client.sh. NODE is kubo:URL (the
// Kubo RPC API) or gateway:URL (a trustless gateway). Errors print "ipfs_tool: error: …" and exit with
// the exit code of the error's kind, as the mlchain command would.
//   ipfs_tool add NODE PROFILE FILE            upload FILE, print the CID the node computed
//   ipfs_tool cat NODE PROFILE CID OUT         read a file, every block checked, into OUT
//   ipfs_tool put-block NODE CODEC FILE        store FILE's bytes as one block (raw|dag-pb|dag-cbor, CIDv1)
//   ipfs_tool get-block NODE CID OUT           one block, checked, into OUT
//   ipfs_tool has-block NODE CID               print true or false
//   ipfs_tool pin NODE CID
//   ipfs_tool export NODE CID OUT.car          the DAG under CID, every block checked, re-encoded as a CAR
//   ipfs_tool import NODE FILE.car             upload a CAR, streamed from the file
//   ipfs_tool file-car PROFILE FILE OUT.car    FILE imported by mlchain as a CAR; prints its root CID
//   ipfs_tool read-car FILE.car                roots and blocks of a CAR read by mlchain's CarReader
//   ipfs_tool http METHOD URL [OPTION VALUE]…  requests through one net::HttpClient; prints
//                                              "<status> <body bytes>" and the body per request. Options:
//     --repeat N (requests on one client), --cap BYTES (response cap), --token T (bearer),
//     --timeout-ms N (total), --chunked BYTES (a streamed body of unknown length, BYTES long),
//     --stream 1 (the response streamed to a sink instead of collected)

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "mlchain/codec/car.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/ipfs/gateway_client.hpp"
#include "mlchain/ipfs/kubo_client.hpp"
#include "mlchain/net/http.hpp"

using namespace mlchain;

namespace {

Result<std::unique_ptr<ipfs::Node>> open_node(const std::string& spec) {
  if (spec.starts_with("kubo:")) return std::unique_ptr<ipfs::Node>(std::make_unique<ipfs::KuboClient>(spec.substr(5)));
  if (spec.starts_with("gateway:")) {
    return std::unique_ptr<ipfs::Node>(std::make_unique<ipfs::GatewayClient>(spec.substr(8)));
  }
  return make_error(ErrorKind::invalid_argument, "NODE must be kubo:URL or gateway:URL, not " + spec);
}

Result<unixfs::Profile> profile_named(const std::string& name) {
  auto profile = unixfs::find_profile(name);
  if (!profile) return make_error(ErrorKind::invalid_argument, "unknown profile " + name);
  return *profile;
}

Result<Bytes> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::not_found, "cannot open " + path);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class OutputFile {
 public:
  explicit OutputFile(const std::string& path) : out_(path, std::ios::binary | std::ios::trunc), path_(path) {}
  Status write(ByteView bytes) {
    out_.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out_) return make_error(ErrorKind::internal, "cannot write " + path_);
    return {};
  }

 private:
  std::ofstream out_;
  std::string path_;
};

// Writes an import's blocks as CAR sections, in the order the importer makes them (children first).
class CarSink final : public unixfs::BlockSink {
 public:
  explicit CarSink(OutputFile& out) : out_(out) {}
  Status put(const codec::Cid& cid, ByteView block) override {
    return out_.write(codec::encode_car_section(cid, block));
  }

 private:
  OutputFile& out_;
};

Result<std::uint64_t> number(const std::string& text) {
  try {
    std::size_t used = 0;
    const auto value = std::stoull(text, &used);
    if (used == text.size()) return static_cast<std::uint64_t>(value);
  } catch (const std::exception&) {
  }
  return make_error(ErrorKind::invalid_argument, "not a number: " + text);
}

Status http(const std::vector<std::string>& args) {
  if (args.size() < 3 || args.size() % 2 == 0)
    return make_error(ErrorKind::invalid_argument, "http METHOD URL [OPTION VALUE]...");
  net::HttpOptions options;
  net::HttpRequest request;
  request.method = args[1];
  request.url = args[2];
  std::uint64_t repeat = 1;
  std::optional<std::uint64_t> chunked;
  bool stream = false;
  for (std::size_t i = 3; i + 1 < args.size(); i += 2) {
    const auto& option = args[i];
    if (option == "--token") {
      options.bearer_token = args[i + 1];
      continue;
    }
    MLCHAIN_TRY(auto value, number(args[i + 1]));
    if (option == "--repeat")
      repeat = value;
    else if (option == "--cap")
      request.max_response_bytes = static_cast<std::size_t>(value);
    else if (option == "--timeout-ms")
      options.total_timeout = std::chrono::milliseconds(value);
    else if (option == "--chunked")
      chunked = value;
    else if (option == "--stream")
      stream = value != 0;
    else
      return make_error(ErrorKind::invalid_argument, "unknown option " + option);
  }
  net::HttpClient client(options);
  for (std::uint64_t n = 0; n < repeat; ++n) {
    std::uint64_t sent = 0;
    if (chunked) {
      request.body_reader = [&sent, total = *chunked](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
        const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), total - sent));
        for (std::size_t i = 0; i < count; ++i) buffer[i] = static_cast<std::uint8_t>((sent + i) % 251);
        sent += count;
        return count;
      };
    }
    std::uint64_t streamed = 0;
    if (stream) {
      request.on_body = [&streamed](ByteView bytes) -> Status {
        streamed += bytes.size();
        return {};
      };
    }
    MLCHAIN_TRY(auto response, client.send(request));
    std::cout << response.status << " " << (stream ? streamed : response.body.size()) << "\n";
    std::cout.write(reinterpret_cast<const char*>(response.body.data()),
                    static_cast<std::streamsize>(response.body.size()));
    std::cout << "\n";
    MLCHAIN_TRY_STATUS(net::expect_success(response, request.url, "http " + request.method));
  }
  return {};
}

Status run(const std::vector<std::string>& args) {
  const auto need = [&](std::size_t count) -> Status {
    if (args.size() != count)
      return make_error(ErrorKind::invalid_argument, "wrong number of arguments for " + args[0]);
    return {};
  };
  if (args.empty()) return make_error(ErrorKind::invalid_argument, "no command");
  const auto& command = args[0];

  if (command == "file-car") {
    MLCHAIN_TRY_STATUS(need(4));
    MLCHAIN_TRY(auto profile, profile_named(args[1]));
    // The header names the root, known only once the file is imported: hash it first, then stream.
    unixfs::DiscardingBlockSink discard;
    MLCHAIN_TRY(auto root, fs::import_file(args[2], profile, discard));
    OutputFile out(args[3]);
    MLCHAIN_TRY_STATUS(out.write(codec::encode_car_header({root.cid})));
    CarSink sink(out);
    MLCHAIN_TRY(auto again, fs::import_file(args[2], profile, sink));
    if (again.cid != root.cid)
      return make_error(ErrorKind::changed_concurrently, args[2] + " changed while it was read");
    std::cout << root.cid.to_string() << "\n";
    return {};
  }
  if (command == "read-car") {
    MLCHAIN_TRY_STATUS(need(2));
    MLCHAIN_TRY(auto bytes, read_all(args[1]));
    MLCHAIN_TRY(auto car, codec::decode_car(bytes));
    for (const auto& root : car.roots) std::cout << "root " << root.to_string() << "\n";
    for (const auto& block : car.blocks)
      std::cout << "block " << block.cid.to_string() << " " << block.block.size() << "\n";
    return {};
  }

  if (command == "http") return http(args);

  if (args.size() < 2) return make_error(ErrorKind::invalid_argument, "no NODE");
  MLCHAIN_TRY(auto node, open_node(args[1]));

  if (command == "add") {
    MLCHAIN_TRY_STATUS(need(4));
    MLCHAIN_TRY(auto profile, profile_named(args[2]));
    MLCHAIN_TRY(auto cid, node->add_file(args[3], profile));
    std::cout << cid.to_string() << "\n";
    return {};
  }
  if (command == "cat") {
    MLCHAIN_TRY_STATUS(need(5));
    MLCHAIN_TRY(auto profile, profile_named(args[2]));
    MLCHAIN_TRY(auto cid, codec::Cid::parse(args[3]));
    OutputFile out(args[4]);
    return node->read_file(cid, profile, [&out](ByteView bytes) { return out.write(bytes); });
  }
  if (command == "put-block") {
    MLCHAIN_TRY_STATUS(need(4));
    const std::uint64_t codec = args[2] == "raw"      ? codec::multicodec::raw
                                : args[2] == "dag-pb" ? codec::multicodec::dag_pb
                                                      : codec::multicodec::dag_cbor;
    MLCHAIN_TRY(auto block, read_all(args[3]));
    const auto cid = codec::Cid::of_block(1, codec, block);
    MLCHAIN_TRY_STATUS(node->put_block(cid, block));
    std::cout << cid.to_string() << "\n";
    return {};
  }
  if (command == "get-block") {
    MLCHAIN_TRY_STATUS(need(4));
    MLCHAIN_TRY(auto cid, codec::Cid::parse(args[2]));
    MLCHAIN_TRY(auto block, node->get_block(cid));
    OutputFile out(args[3]);
    return out.write(block);
  }
  if (command == "has-block") {
    MLCHAIN_TRY_STATUS(need(3));
    MLCHAIN_TRY(auto cid, codec::Cid::parse(args[2]));
    MLCHAIN_TRY(auto has, node->has_block(cid));
    std::cout << (has ? "true" : "false") << "\n";
    return {};
  }
  if (command == "pin") {
    MLCHAIN_TRY_STATUS(need(3));
    MLCHAIN_TRY(auto cid, codec::Cid::parse(args[2]));
    return node->pin(cid);
  }
  if (command == "export") {
    MLCHAIN_TRY_STATUS(need(4));
    MLCHAIN_TRY(auto cid, codec::Cid::parse(args[2]));
    OutputFile out(args[3]);
    MLCHAIN_TRY_STATUS(out.write(codec::encode_car_header({cid})));
    return node->read_dag(cid, [&out](const codec::Cid& block_cid, ByteView block) {
      return out.write(codec::encode_car_section(block_cid, block));
    });
  }
  if (command == "import") {
    MLCHAIN_TRY_STATUS(need(3));
    std::FILE* file = std::fopen(args[2].c_str(), "rb");
    if (file == nullptr) return make_error(ErrorKind::not_found, "cannot open " + args[2]);
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(file, &std::fclose);
    return node->import_car([file](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
      const auto n = std::fread(buffer.data(), 1, buffer.size(), file);
      if (n == 0 && std::ferror(file) != 0) return make_error(ErrorKind::internal, "cannot read the CAR");
      return n;
    });
  }
  return make_error(ErrorKind::invalid_argument, "unknown command " + command);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto status = run(args);
  if (!status.ok()) {
    std::cerr << "ipfs_tool: error: " << status.error().message << "\n";
    return cli::exit_code(status.error().kind);
  }
  return 0;
}
