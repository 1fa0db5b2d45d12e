// broker.Vector: a Broker vector with the interface of a Python list, as
// upstream's (pybind11's bound std::vector): indexing and slicing, append,
// extend, insert, pop, count, remove, `in`. Elements go in as any
// convertible Python value and come out as _broker.Data.

#include <algorithm>

#include "containers.hh"

namespace broker::python {

namespace {

using diff_t = vector::difference_type;

/// Python-style index (negative counts from the end) into `size`.
size_t to_index(Py_ssize_t i, size_t size) {
  auto n = static_cast<Py_ssize_t>(size);
  if (i < 0)
    i += n;
  if (i < 0 || i >= n)
    throw py::index_error("Vector index out of range");
  return static_cast<size_t>(i);
}

vector from_iterable(py::handle xs) {
  vector result;
  for (auto x : py::reinterpret_borrow<py::iterable>(xs))
    result.emplace_back(from_py(x));
  return result;
}

/// The positions a slice selects, in order.
std::vector<size_t> positions(const py::slice& s, size_t size) {
  size_t start = 0, stop = 0, step = 0, len = 0;
  if (!s.compute(size, &start, &stop, &step, &len))
    throw py::error_already_set();
  std::vector<size_t> result(len);
  for (size_t i = 0; i < len; ++i, start += step)
    result[i] = start;
  return result;
}

vector get_slice(const vector& xs, const py::slice& s) {
  vector result;
  for (auto i : positions(s, xs.size()))
    result.push_back(xs[i]);
  return result;
}

/// A contiguous slice may change the length, as with lists; an extended
/// one (step != 1) needs as many values as it selects.
void set_slice(vector& xs, const py::slice& s, py::handle values) {
  auto ys = from_iterable(values);
  Py_ssize_t start = 0, stop = 0, step = 0;
  if (PySlice_Unpack(s.ptr(), &start, &stop, &step) != 0)
    throw py::error_already_set();
  auto n = PySlice_AdjustIndices(static_cast<Py_ssize_t>(xs.size()), &start,
                                 &stop, step);
  if (step == 1) {
    stop = std::max(start, stop);
    xs.erase(xs.begin() + start, xs.begin() + stop);
    xs.insert(xs.begin() + start, ys.begin(), ys.end());
    return;
  }
  if (static_cast<size_t>(n) != ys.size())
    throw py::value_error("attempt to assign a sequence of size "
                          + std::to_string(ys.size())
                          + " to an extended slice of size "
                          + std::to_string(n));
  auto idx = positions(s, xs.size());
  for (size_t i = 0; i < idx.size(); ++i)
    xs[idx[i]] = std::move(ys[i]);
}

void del_slice(vector& xs, const py::slice& s) {
  auto idx = positions(s, xs.size());
  // Back to front, so that earlier positions stay valid.
  std::sort(idx.begin(), idx.end());
  for (auto i = idx.rbegin(); i != idx.rend(); ++i)
    xs.erase(xs.begin() + static_cast<diff_t>(*i));
}

/// Python's list.insert: positions past either end clamp to it.
void insert(vector& xs, Py_ssize_t i, py::handle x) {
  auto n = static_cast<Py_ssize_t>(xs.size());
  if (i < 0)
    i = std::max<Py_ssize_t>(i + n, 0);
  i = std::min(i, n);
  xs.insert(xs.begin() + i, from_py(x));
}

data pop(vector& xs, Py_ssize_t i) {
  if (xs.empty())
    throw py::index_error("pop from an empty Vector");
  auto pos = xs.begin() + static_cast<diff_t>(to_index(i, xs.size()));
  auto result = std::move(*pos);
  xs.erase(pos);
  return result;
}

void remove(vector& xs, py::handle x) {
  auto i = std::find(xs.begin(), xs.end(), from_py(x));
  if (i == xs.end())
    throw py::value_error("Vector.remove(x): x not in Vector");
  xs.erase(i);
}

void bind_element_access(py::class_<vector>& cls) {
  cls
    .def("__getitem__",
         [](const vector& xs, Py_ssize_t i) { return xs[to_index(i, xs.size())]; })
    .def("__getitem__", &get_slice)
    .def("__setitem__",
         [](vector& xs, Py_ssize_t i, py::handle x) {
           xs[to_index(i, xs.size())] = from_py(x);
         })
    .def("__setitem__", &set_slice)
    .def("__delitem__",
         [](vector& xs, Py_ssize_t i) {
           xs.erase(xs.begin() + static_cast<diff_t>(to_index(i, xs.size())));
         })
    .def("__delitem__", &del_slice)
    .def("__iter__", [](const vector& xs) {
      return snapshot(xs.begin(), xs.end(),
                      [](const data& x) { return py::cast(x); });
    });
}

void bind_list_methods(py::class_<vector>& cls) {
  cls
    .def(
      "append", [](vector& xs, py::handle x) { xs.emplace_back(from_py(x)); },
      py::arg("x"))
    .def(
      "extend",
      [](vector& xs, py::handle ys) {
        auto tail = from_iterable(ys);
        xs.insert(xs.end(), tail.begin(), tail.end());
      },
      py::arg("L"))
    .def("insert", &insert, py::arg("i"), py::arg("x"))
    .def("pop", [](vector& xs) { return pop(xs, -1); })
    .def("pop", &pop, py::arg("i"))
    .def(
      "count",
      [](const vector& xs, py::handle x) {
        return std::count(xs.begin(), xs.end(), from_py(x));
      },
      py::arg("x"))
    .def("remove", &remove, py::arg("x"))
    .def(
      "__contains__",
      [](const vector& xs, py::handle x) {
        return std::find(xs.begin(), xs.end(), from_py(x)) != xs.end();
      },
      py::arg("x"));
}

} // namespace

void bind_vector(py::module_& m) {
  py::class_<vector> cls(m, "Vector");
  cls.def(py::init<>())
    .def(py::init([](py::iterable xs) { return from_iterable(xs); }),
         py::arg("elements"));
  bind_element_access(cls);
  bind_list_methods(cls);
  bind_common(cls);
  cls.def("__repr__", [](const vector& xs) {
    return "Vector" + join(xs.begin(), xs.end(), "[", "]", element_text);
  });
}

} // namespace broker::python
