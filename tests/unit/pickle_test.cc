// The pickle interpreter on hostile input: depth, container and value limits are checked while the pickle is
// interpreted, so a file of a few hundred KB can neither overflow the stack nor exhaust the memory. (Checkpoints
// built on it are tested in tests/torch/checkpoint_test.cc, and through `weights inspect` in weights_cli_test.cc.)
#include "io/pickle.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// Hooks for pickles without globals or persistent ids.
PickleHooks no_hooks() {
  PickleHooks hooks;
  hooks.find_class = [](const std::string& module, const std::string& name) -> PickleCallable {
    throw InputError(concat("unexpected global ", module, ".", name));
  };
  return hooks;
}

PickleRef load(const std::string& bytes, const PickleLimits& limits = {}) {
  std::size_t position = 0;
  return load_pickle(bytes, position, no_hooks(), "test.pkl", limits);
}

// A 4-byte little-endian operand.
std::string u32(std::uint32_t value) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return bytes;
}

// issue 15's reproduction: 200,000 nested lists in 400 KB, which crashed every checkpoint loader (exit 139) when
// the tree was destroyed recursively.
std::string deep_list_pickle(std::size_t depth) {
  return std::string("\x80\x02", 2) + std::string(depth, ']') + std::string(depth - 1, 'a') + ".";
}

TEST(Pickle, ReadsNestedContainersAndTheirDepth) {
  // pickle.dumps({'a': [1, 2], 'b': {'c': (3,)}}, protocol=2)
  const std::string bytes(
      "\x80\x02}q\x00(X\x01\x00\x00\x00" "aq\x01]q\x02(K\x01K\x02" "eX\x01\x00\x00\x00" "bq\x03}q\x04X\x01\x00\x00\x00"
      "cq\x05K\x03\x85q\x06su.",
      50);
  const PickleRef root = load(bytes);
  ASSERT_EQ(root->kind, PickleValue::Kind::kDict);
  ASSERT_EQ(root->entries.size(), 2u);
  EXPECT_EQ(root->entries[0].second->items.size(), 2u);
  EXPECT_EQ(root->depth, 3);  // dict > dict > tuple
  EXPECT_EQ(root->entries[1].second->depth, 2);
}

TEST(Pickle, DeeplyNestedListsAreRefusedWhileTheyAreBuilt) {
  EXPECT_THROW_MESSAGE(load(deep_list_pickle(200000)), InputError, "test.pkl: containers nested more than 64 deep");
  EXPECT_EQ(load(deep_list_pickle(64))->depth, 64);
  EXPECT_THROW_MESSAGE(load(deep_list_pickle(65)), InputError, "nested more than 64 deep");
  PickleLimits shallow;
  shallow.max_depth = 3;
  EXPECT_THROW_MESSAGE(load(deep_list_pickle(4), shallow), InputError, "nested more than 3 deep");
}

// Depths stay exact only if a container cannot grow once it is inside another: otherwise lists filled through the
// memo after nesting (L1 <- L2 <- ... each appended while already inside its parent) would build any depth unseen.
TEST(Pickle, ContainersModifiedAfterNestingAreRefused) {
  constexpr std::uint32_t kLists = 200000;
  std::string bytes("\x80\x02", 2);
  for (std::uint32_t i = 0; i < kLists; ++i) bytes += "]r" + u32(i) + "0";  // EMPTY_LIST, LONG_BINPUT i, POP
  // L[i].append(L[i + 1]) with both fetched from the memo (LONG_BINGET), then POP
  for (std::uint32_t i = 0; i + 1 < kLists; ++i) bytes += "j" + u32(i) + "j" + u32(i + 1) + "a0";
  bytes += "j" + u32(0) + ".";
  EXPECT_THROW_MESSAGE(load(bytes), InputError, "APPEND on a container already inside another one");
  // a = []; a.append(a)
  EXPECT_THROW_MESSAGE(load(std::string("\x80\x02]q\x00h\x00" "a.", 9)), InputError, "contains itself");
}

// Found by fuzzing (tests/fuzz/corpus/pickle/leak_self_append.pkl): the list was inserted into itself before the
// check refused it, so the error left a reference cycle that was never freed, with everything the list held.
TEST(Pickle, AContainerRefusedForContainingItselfIsFreed) {
  // a = [] (memo 0); MARK; a persistent id 1 (a value the hook makes); a; APPENDS: a.extend([value, a])
  const std::string bytes("\x80\x02]q\x00(K\x01Qh\x00" "e.", 13);
  std::weak_ptr<PickleValue> value_in_list;
  bool hook_ran = false;
  PickleHooks hooks = no_hooks();
  hooks.persistent_load = [&](const PickleRef&) {
    PickleRef value = PickleValue::of_int(7);
    value_in_list = value;
    hook_ran = true;
    return value;
  };
  std::size_t position = 0;
  EXPECT_THROW_MESSAGE(load_pickle(bytes, position, hooks, "test.pkl"), InputError, "contains itself");
  ASSERT_TRUE(hook_ran);
  EXPECT_TRUE(value_in_list.expired());
}

TEST(Pickle, ContainerSizeAndValueCountAreLimited) {
  PickleLimits small;
  small.max_container_items = 3;
  const std::string four_items = std::string("\x80\x02](K\x01K\x02K\x03K\x04" "e.", 14);
  EXPECT_THROW_MESSAGE(load(four_items, small), InputError, "a container of more than 3 items");
  EXPECT_EQ(load(four_items)->items.size(), 4u);
  small = {};
  small.max_values = 4;
  EXPECT_THROW_MESSAGE(load(four_items, small), InputError, "more than 4 values");
}

}  // namespace
}  // namespace depthstyle
