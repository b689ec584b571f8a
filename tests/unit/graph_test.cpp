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

TEST(GraphTest, EditingKeepsConsumerListsAndNamesUnique) {
  Graph g;
  Value* x = *g.add_value("x");
  Value* y = *g.add_value("y");
  Node* n = g.add_node("n", "Add");
  n->inputs = {x, x};
  n->outputs = {y};
  ASSERT_TRUE(g.connect(n).is_ok());
  Value* c = *g.add_constant("x", Tensor::scalar<float>(2.0f));
  EXPECT_EQ(c->name, "x_1");
  EXPECT_TRUE(c->is_constant());
  n->replace_input(1, c);
  EXPECT_EQ(x->consumers.size(), 1u);  // still read through input 0
  EXPECT_EQ(c->consumers.size(), 1u);
  n->replace_input(0, c);
  EXPECT_TRUE(x->consumers.empty());
  n->truncate_inputs(1);
  EXPECT_EQ(n->inputs.size(), 1u);
  EXPECT_EQ(c->consumers.size(), 1u);  // input 0 still reads it
  n->set_attribute("axis", int64_t{1});
  n->set_attribute("axis", int64_t{2});
  EXPECT_EQ(*n->attr_int("axis", 0), 2);
  EXPECT_EQ(n->attributes.size(), 1u);
  n->erase_attribute("axis");
  EXPECT_FALSE(n->has_attribute("axis"));
}

}  // namespace
}  // namespace fovea
