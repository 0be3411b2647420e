// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/parties.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <variant>

#include "kernel/loader.h"
#include "model/reference.h"
#ifdef HMMSPEC_HAVE_WALKER
#include "impl/walker.h"
#include "impl/walker_v6.h"
#endif

namespace hmmspec {

namespace {

struct KernelEntry {
  PartyId id;
  const KernelPartyDescriptor* descriptor = nullptr;
  std::string path;      // the shared object, as given
  std::string canonical; // its canonical path, to load each object once
};

// A kernel party's run: the descriptor's function, on worlds of its version only.
Party kernel_party(const KernelEntry& k) {
  auto run = k.descriptor->run;
  KernelVersion family = k.descriptor->family;
  return Party{k.id, [run, family](const World& w, const HmmRange& r, const RunOptions& o) {
                 if (w.geom.kernel == family) return run(w, r, o);
                 Outcome out{.livelock = false,
                             .ret = -err::kEINVAL,
                             .walks = 0,
                             .pfns = r.pfns,
                             .world = w,
                             .reports = {},
                             .failure = {},
                             .chunks = {},
                             .refused_event = {}};
                 out.reports.push_back(KernelReport{
                     KernelReport::Kind::Bug,
                     fmt::format("harness: a world of kernel {} given to a kernel-{} party",
                                 version_name(w.geom.kernel), version_name(family)),
                     0});
                 return out;
               }};
}

// The kernel parties of the process. Shared objects stay loaded for its life (their code is
// what the parties run), so the registry is one per process.
class Registry {
public:
  static Registry& get() {
    static Registry r;
    return r;
  }

  std::vector<KernelEntry> kernels() {
    std::lock_guard<std::mutex> lock(mutex_);
    load_built();
    return kernels_;
  }
  std::vector<std::string> errors() {
    std::lock_guard<std::mutex> lock(mutex_);
    load_built();
    return errors_;
  }
  std::optional<std::string> load(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    load_built();
    return add(path);
  }

private:
  void load_built() {
    if (built_loaded_) return;
    built_loaded_ = true;
    // A built object that does not load is a broken build: said on stderr once, here, so
    // that no program quietly runs without a party it was built with.
    for (const std::string& path : built_kernel_objects()) {
      if (auto err = add(path)) {
        errors_.push_back(*err + " (a kernel party this build made; rebuild it)");
        std::fprintf(stderr, "hmmspec: %s\n", errors_.back().c_str());
      }
    }
  }

  std::optional<std::string> add(const std::string& path) {
    std::error_code ec;
    std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
    if (ec) canonical = path;
    for (const KernelEntry& k : kernels_)
      if (k.canonical == canonical) return std::nullopt; // loaded already
    auto loaded = load_kernel_object(path);
    if (auto* err = std::get_if<std::string>(&loaded)) return *err;
    const KernelPartyDescriptor* d = std::get<LoadedKernel>(loaded).descriptor;
    for (const KernelEntry& k : kernels_)
      if (k.descriptor == d) return std::nullopt; // the same object under another path
    std::string name = d->name;
    for (unsigned n = 2; taken(name); ++n) name = fmt::format("{}-{}", d->name, n);
    kernels_.push_back(
        KernelEntry{PartyId{PartyKind::Kernel, name, d->label, d->family}, d, path, canonical});
    return std::nullopt;
  }

  bool taken(const std::string& name) const {
    if (name.rfind("reference", 0) == 0 || name.rfind("walker", 0) == 0 || name == "kernel")
      return true;
    return std::any_of(kernels_.begin(), kernels_.end(),
                       [&](const KernelEntry& k) { return k.id.name == name; });
  }

  std::mutex mutex_;
  bool built_loaded_ = false;
  std::vector<KernelEntry> kernels_;
  std::vector<std::string> errors_;
};

} // namespace

std::vector<Party> all_parties() {
  std::vector<Party> parties;
  parties.push_back(Party{{PartyKind::Reference, "reference", "", KernelVersion::V5_7},
                          [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return reference_hmm_range_fault(w, r, o);
                          }});
  // The reference states every version's rules (model/rules.h): one entry per other version,
  // running the same function on that version's worlds.
  parties.push_back(Party{{PartyKind::Reference, "reference-6.1", "", KernelVersion::V6_1},
                          [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return reference_hmm_range_fault(w, r, o);
                          }});
  parties.push_back(Party{{PartyKind::Reference, "reference-6.12", "", KernelVersion::V6_12},
                          [](const World& w, const HmmRange& r, const RunOptions& o) {
                            return reference_hmm_range_fault(w, r, o);
                          }});
#ifdef HMMSPEC_HAVE_WALKER
  // The walker likewise has one entry per version: impl/walker.h for v5.7 worlds and
  // impl/walker_v6.h for 6.x worlds, each entry running the one its world's version needs.
  auto walker = [](const World& w, const HmmRange& r, const RunOptions& o) {
    return has_v6_api(w.geom.kernel) ? walker_v6_hmm_range_fault(w, r, o)
                                     : walker_hmm_range_fault(w, r, o);
  };
  parties.push_back(Party{{PartyKind::Walker, "walker", "", KernelVersion::V5_7}, walker});
  parties.push_back(Party{{PartyKind::Walker, "walker-6.1", "", KernelVersion::V6_1}, walker});
  parties.push_back(Party{{PartyKind::Walker, "walker-6.12", "", KernelVersion::V6_12}, walker});
#endif
  for (const KernelEntry& k : Registry::get().kernels()) parties.push_back(kernel_party(k));
  return parties;
}

std::vector<Party> built_parties(KernelVersion v) {
  std::vector<Party> parties = all_parties();
  std::erase_if(parties, [v](const Party& p) { return p.id.kernel != v; });
  return parties;
}

std::optional<Party> built_party(PartyKind kind, KernelVersion v) {
  for (Party& p : built_parties(v))
    if (p.id.kind == kind) return p;
  return std::nullopt;
}

std::optional<PartyId> parse_party(std::string_view name) {
  if (name == "kernel") {
    if (auto p = built_party(PartyKind::Kernel, KernelVersion::V5_7)) return p->id;
    return std::nullopt;
  }
  for (const Party& p : all_parties())
    if (p.id.name == name) return p.id;
  return std::nullopt;
}

std::optional<std::string> load_kernel_party(const std::string& path) {
  return Registry::get().load(path);
}

std::vector<std::string> kernel_party_errors() {
  return Registry::get().errors();
}

std::string party_object(const PartyId& id) {
  if (id.kind != PartyKind::Kernel) return "";
  for (const KernelEntry& k : Registry::get().kernels())
    if (k.id.name == id.name) return k.path;
  return "";
}

std::string party_source(const PartyId& id) {
  if (id.kind != PartyKind::Kernel) return "";
  for (const KernelEntry& k : Registry::get().kernels())
    if (k.id.name == id.name) return k.descriptor->source;
  return "";
}

std::string party_table(const std::vector<Party>& parties) {
  const std::vector<KernelEntry> kernels = Registry::get().kernels();
  std::size_t width = 0;
  for (const Party& p : parties) width = std::max(width, p.id.name.size());
  std::string s;
  for (const Party& p : parties) {
    std::string what = p.id.kind == PartyKind::Reference ? "the reference (model/)"
                       : p.id.kind == PartyKind::Walker  ? "the optimized walker (impl/)"
                                                         : std::string(p.id.version);
    for (const KernelEntry& k : kernels)
      if (p.id.kind == PartyKind::Kernel && k.id.name == p.id.name)
        what += fmt::format("  ({})", k.path);
    s += fmt::format("  {:<{}}  {:<4}  {}\n", p.id.name, width, version_name(p.id.kernel), what);
  }
  return s;
}

int ground_truth_rank(PartyKind kind) {
  switch (kind) {
  case PartyKind::Kernel:
    return 0;
  case PartyKind::Reference:
    return 1;
  case PartyKind::Walker:
    return 2;
  }
  return 3;
}

std::vector<Party> ground_truth_first(std::vector<Party> parties) {
  std::stable_sort(parties.begin(), parties.end(), [](const Party& a, const Party& b) {
    return ground_truth_rank(a.id.kind) < ground_truth_rank(b.id.kind);
  });
  return parties;
}

std::string party_names(const std::vector<Party>& parties) {
  std::string s;
  for (const Party& p : parties) s += (s.empty() ? "" : " ") + p.id.name;
  return s;
}

} // namespace hmmspec
