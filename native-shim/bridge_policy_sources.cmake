# The bridge's policy files, Boost-free: the native bridge and its fuzz harnesses link them, and the
# WebAssembly build compiles them for the Node bridge (bindings/bridge_policy_binding.cpp).
set(websrt_bridge_policy_sources
  ${CMAKE_CURRENT_LIST_DIR}/static_path_policy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/host_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ip_literal.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bridge_policy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client_limits.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relay_budget.cpp)
set(websrt_bridge_policy_include_dir ${CMAKE_CURRENT_LIST_DIR})
