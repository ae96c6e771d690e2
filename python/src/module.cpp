// mmgraph._native: the compiled half of the mmgraph package. The pure-Python package
// (python/mmgraph/) builds open(), write() and the pandas, scipy and networkx conversions on it.
#include "binding.hpp"

PYBIND11_MODULE(_native, m) {
    m.doc() = "Native core of mmgraph: memory-mapped property-graph files (use the mmgraph package).";
    mmgraph::python::register_errors(m);
    mmgraph::python::register_values(m);
    mmgraph::python::register_graph(m);
    mmgraph::python::register_arrays(m);
    mmgraph::python::register_writer(m);
    mmgraph::python::register_shard_writer(m);
    mmgraph::python::register_importer(m);
}
