#pragma once
// One register function per command; each lives in its own cmd_<name>.cpp.

namespace CLI {
class App;
}

namespace mlchain::cli {

struct Context;

// Adds every command to the root app (commands.cpp lists them).
void register_commands(CLI::App& app, Context& context);

void register_cid(CLI::App& app, Context& context);
void register_key(CLI::App& app, Context& context);
void register_init(CLI::App& app, Context& context);
void register_config(CLI::App& app, Context& context);
void register_branch(CLI::App& app, Context& context);
void register_tag(CLI::App& app, Context& context);
void register_log(CLI::App& app, Context& context);
void register_show(CLI::App& app, Context& context);
void register_fsck(CLI::App& app, Context& context);
void register_gc(CLI::App& app, Context& context);
void register_reflog(CLI::App& app, Context& context);
void register_commit(CLI::App& app, Context& context);
void register_status(CLI::App& app, Context& context);
void register_diff(CLI::App& app, Context& context);
void register_checkout(CLI::App& app, Context& context);
void register_restore(CLI::App& app, Context& context);
void register_reset(CLI::App& app, Context& context);
void register_verify(CLI::App& app, Context& context);
void register_cite(CLI::App& app, Context& context);
void register_prove(CLI::App& app, Context& context);
void register_remote(CLI::App& app, Context& context);
void register_export(CLI::App& app, Context& context);
void register_import(CLI::App& app, Context& context);
void register_push(CLI::App& app, Context& context);
void register_fetch(CLI::App& app, Context& context);
void register_clone(CLI::App& app, Context& context);
void register_registry(CLI::App& app, Context& context);
void register_signer(CLI::App& app, Context& context);
void register_pull(CLI::App& app, Context& context);
void register_attest(CLI::App& app, Context& context);
void register_governance(CLI::App& app, Context& context);
void register_policy(CLI::App& app, Context& context);
void register_evaluate(CLI::App& app, Context& context);
void register_submit(CLI::App& app, Context& context);
void register_promote(CLI::App& app, Context& context);
void register_stage(CLI::App& app, Context& context);
void register_watch(CLI::App& app, Context& context);
void register_universe(CLI::App& app, Context& context);
void register_access(CLI::App& app, Context& context);
// `key encryption`, under `key`.
void register_key_encryption(CLI::App& key, Context& context);
void register_shred(CLI::App& app, Context& context);
void register_publish(CLI::App& app, Context& context);
void register_unlist(CLI::App& app, Context& context);
void register_buy(CLI::App& app, Context& context);
void register_earnings(CLI::App& app, Context& context);
void register_withdraw(CLI::App& app, Context& context);
void register_info(CLI::App& app, Context& context);
void register_search(CLI::App& app, Context& context);
void register_help(CLI::App& app, Context& context);

}  // namespace mlchain::cli
