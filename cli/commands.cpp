#include "commands.hpp"

namespace mlchain::cli {

void register_commands(CLI::App& app, Context& context) {
  register_cid(app, context);
  register_key(app, context);
  register_init(app, context);
  register_config(app, context);
  register_branch(app, context);
  register_tag(app, context);
  register_log(app, context);
  register_show(app, context);
  register_fsck(app, context);
  register_gc(app, context);
  register_reflog(app, context);
  register_commit(app, context);
  register_status(app, context);
  register_diff(app, context);
  register_checkout(app, context);
  register_restore(app, context);
  register_reset(app, context);
  register_verify(app, context);
  register_cite(app, context);
  register_prove(app, context);
  register_remote(app, context);
  register_export(app, context);
  register_import(app, context);
  register_push(app, context);
  register_fetch(app, context);
  register_clone(app, context);
  register_registry(app, context);
  register_signer(app, context);
  register_pull(app, context);
  register_attest(app, context);
  register_governance(app, context);
  register_policy(app, context);
  register_evaluate(app, context);
  register_submit(app, context);
  register_promote(app, context);
  register_stage(app, context);
  register_watch(app, context);
  register_universe(app, context);
  register_publish(app, context);
  register_unlist(app, context);
  register_buy(app, context);
  register_earnings(app, context);
  register_withdraw(app, context);
  register_info(app, context);
  register_search(app, context);
  register_access(app, context);
  register_shred(app, context);
  register_help(app, context);
}

}  // namespace mlchain::cli
