// OrderedPrefetch: items come back in index order whatever the workers' timing, never more than `lookahead` ahead of
// the consumer, errors surface at their own index, and stopping early joins the workers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/ordered_prefetch.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(OrderedPrefetch, ReturnsItemsInOrderWithUnevenWorkTimes) {
  for (int workers : {0, 1, 3}) {
    OrderedPrefetch<int> items(50, workers, 4, [](std::size_t i) {
      // Later items finish first now and then.
      std::this_thread::sleep_for(std::chrono::microseconds((i * 7919) % 5 * 200));
      return static_cast<int>(i * i);
    });
    for (int i = 0; i < 50; ++i) EXPECT_EQ(items.next(), i * i) << "workers " << workers;
    EXPECT_EQ(items.remaining(), 0u);
  }
}

TEST(OrderedPrefetch, NeverRunsMoreThanLookaheadAheadOfTheConsumer) {
  std::atomic<std::size_t> consumed{0};
  std::atomic<std::size_t> worst_lead{0};
  OrderedPrefetch<std::size_t> items(40, 3, 5, [&](std::size_t i) {
    const std::size_t lead = i - consumed.load();
    std::size_t seen = worst_lead.load();
    while (lead > seen && !worst_lead.compare_exchange_weak(seen, lead)) {
    }
    return i;
  });
  for (std::size_t i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // a slow consumer: the workers must wait
    EXPECT_EQ(items.next(), i);
    consumed = i + 1;
  }
  EXPECT_LE(worst_lead.load(), 5u);  // the test counts the consumer a moment late, so the bound is inclusive
  EXPECT_GE(worst_lead.load(), 1u);  // the workers did run ahead
}

TEST(OrderedPrefetch, AnErrorSurfacesAtItsOwnIndexAndLaterItemsStillCome) {
  OrderedPrefetch<int> items(5, 2, 3, [](std::size_t i) {
    if (i == 2) throw std::runtime_error("item 2 is broken");
    return static_cast<int>(i);
  });
  EXPECT_EQ(items.next(), 0);
  EXPECT_EQ(items.next(), 1);
  EXPECT_THROW_MESSAGE(items.next(), std::runtime_error, "item 2 is broken");
  EXPECT_EQ(items.next(), 3);
  EXPECT_EQ(items.next(), 4);
}

TEST(OrderedPrefetch, StoppingEarlyJoinsTheWorkers) {
  std::atomic<int> produced{0};
  {
    OrderedPrefetch<int> items(1000, 2, 4, [&](std::size_t i) {
      ++produced;
      return static_cast<int>(i);
    });
    EXPECT_EQ(items.next(), 0);
  }  // destroyed with 999 items left
  EXPECT_LE(produced.load(), 5);  // one consumed plus a window of four
}

}  // namespace
}  // namespace depthstyle
