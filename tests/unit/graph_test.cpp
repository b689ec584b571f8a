#include <gtest/gtest.h>

#include "ir/graph.h"

namespace fovea {
namespace {

TEST(GraphTest, TopologicalOrderFollowsDataNotFileOrder) {
  Graph g;
  Value* x = *g.add_value("x");
  Value* a = *g.add_value("a");
  Value* b = *g.add_value("b");
  Node* second = g.add_node("second", "Relu");
  second->inputs = {a};
  second->outputs = {b};
  Node* first = g.add_node("first", "Relu");
  first->inputs = {x};
  first->outputs = {a};
  ASSERT_TRUE(g.connect(second).is_ok());
  ASSERT_TRUE(g.connect(first).is_ok());
  auto order = g.topological_order();
  ASSERT_TRUE(order.is_ok());
  ASSERT_EQ(order->size(), 2u);
  EXPECT_EQ((*order)[0], first);
  EXPECT_EQ((*order)[1], second);
}

TEST(GraphTest, CycleIsReportedWithANodeName) {
  Graph g;
  Value* a = *g.add_value("a");
  Value* b = *g.add_value("b");
  Node* n1 = g.add_node("n1", "Relu");
  n1->inputs = {a};
  n1->outputs = {b};
  Node* n2 = g.add_node("n2", "Relu");
  n2->inputs = {b};
  n2->outputs = {a};
  ASSERT_TRUE(g.connect(n1).is_ok());
  ASSERT_TRUE(g.connect(n2).is_ok());
  auto order = g.topological_order();
  ASSERT_FALSE(order.is_ok());
  EXPECT_NE(order.status().message().find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace fovea
