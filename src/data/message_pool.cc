// Recycling of message blocks (see include/broker/detail/message_block.hh).
//
// Each thread keeps a small free list; full batches move to and from one
// shared list under a mutex, so a producer and a consumer on different
// threads exchange blocks with one lock per batch instead of glibc's arena
// lock per allocation. A recycled block keeps its content if the content is
// small: the next thread to reuse the block frees it by assignment, which in
// the common one-publisher case is the thread that allocated it.
#include "broker/detail/message_block.hh"

#include <mutex>
#include <vector>

namespace broker::detail {

namespace {

/// Blocks per batch moved between a thread and the shared pool.
constexpr size_t batch_size = 256;

/// Batches the shared pool holds at most; beyond, blocks are deleted.
constexpr size_t max_shared_batches = 32;

/// Heap bytes a recycled block may keep alive until reused.
constexpr long keep_budget = 512;

struct batch {
  message_block* head = nullptr;
  size_t size = 0;

  void push(message_block* ptr) noexcept {
    ptr->next = head;
    head = ptr;
    ++size;
  }

  message_block* pop() noexcept {
    auto result = head;
    head = result->next;
    result->next = nullptr;
    --size;
    return result;
  }

  void destroy_all() noexcept {
    while (head)
      delete pop();
  }
};

class shared_pool {
public:
  void put(batch&& xs) noexcept {
    {
      std::lock_guard guard{mtx_};
      if (batches_.size() < max_shared_batches) {
        batches_.emplace_back(xs);
        return;
      }
    }
    xs.destroy_all();
  }

  batch take() noexcept {
    std::lock_guard guard{mtx_};
    if (batches_.empty())
      return {};
    auto result = batches_.back();
    batches_.pop_back();
    return result;
  }

private:
  std::mutex mtx_;
  std::vector<batch> batches_;
};

shared_pool& shared() {
  // Never destroyed: threads may recycle blocks during static destruction.
  static auto* instance = new shared_pool;
  return *instance;
}

/// One thread's free blocks: `ready` serves allocations, `spare` collects a
/// full batch for the shared pool.
struct thread_cache {
  batch ready;
  batch spare;

  ~thread_cache() {
    if (ready.size > 0)
      shared().put(std::move(ready));
    if (spare.size > 0)
      shared().put(std::move(spare));
  }
};

thread_local thread_cache cache;

/// Subtracts the heap bytes `x` holds from `budget`; stops early once the
/// budget is exhausted (then the result is negative).
long charge(const data& x, long budget);

long charge_string(const std::string& str, long budget) {
  // Short strings live inside the object (small-string optimisation).
  return str.capacity() > 15 ? budget - static_cast<long>(str.capacity())
                             : budget;
}

long charge(const data& x, long budget) {
  if (auto str = get_if<std::string>(x))
    return charge_string(*str, budget);
  if (auto xs = get_if<vector>(x)) {
    budget -= static_cast<long>(xs->capacity() * sizeof(data));
    for (auto i = xs->begin(); i != xs->end() && budget >= 0; ++i)
      budget = charge(*i, budget);
    return budget;
  }
  if (auto xs = get_if<set>(x)) {
    budget -= static_cast<long>(xs->size() * (sizeof(data) + 32));
    for (auto i = xs->begin(); i != xs->end() && budget >= 0; ++i)
      budget = charge(*i, budget);
    return budget;
  }
  if (auto xs = get_if<table>(x)) {
    budget -= static_cast<long>(xs->size() * (2 * sizeof(data) + 32));
    for (auto i = xs->begin(); i != xs->end() && budget >= 0; ++i) {
      budget = charge(i->first, budget);
      if (budget >= 0)
        budget = charge(i->second, budget);
    }
    return budget;
  }
  return budget;
}

bool worth_keeping(const message_block& blk) {
  auto budget = charge_string(blk.topic_.string(), keep_budget);
  return budget >= 0 && charge(blk.data_, budget) >= 0;
}

} // namespace

message_block* reuse_message_block() {
  auto& c = cache;
  if (c.ready.size == 0) {
    if (c.spare.size > 0)
      std::swap(c.ready, c.spare);
    else
      c.ready = shared().take();
  }
  if (c.ready.size == 0)
    return new message_block(topic{}, data{});
  auto result = c.ready.pop();
  // The free list links blocks another thread touched last: start fetching
  // the next one now rather than stall on it at the next message.
  if (c.ready.head != nullptr)
    __builtin_prefetch(c.ready.head, 1);
  result->refs.store(1, std::memory_order_relaxed);
  result->command = false;
  return result;
}

void seal_message_block(message_block* ptr) noexcept {
  ptr->small = worth_keeping(*ptr);
}

message_block* make_message_block(topic t, data d) {
  auto result = reuse_message_block();
  // Assigning frees the previous content here, on the allocating thread.
  result->topic_ = std::move(t);
  result->data_ = std::move(d);
  seal_message_block(result);
  return result;
}

void recycle_message_block(message_block* ptr) noexcept {
  if (!ptr->small) {
    // Large content: free it now rather than let the pool pin it.
    ptr->data_ = data{};
    ptr->topic_ = topic{};
  }
  auto& c = cache;
  if (c.ready.size < batch_size) {
    c.ready.push(ptr);
    return;
  }
  c.spare.push(ptr);
  if (c.spare.size == batch_size)
    shared().put(std::exchange(c.spare, batch{}));
}

void flush_message_pool() noexcept {
  auto& c = cache;
  if (c.ready.size > 0)
    shared().put(std::exchange(c.ready, batch{}));
  if (c.spare.size > 0)
    shared().put(std::exchange(c.spare, batch{}));
}

} // namespace broker::detail
