#include "att_test.h"
int main(void){const struct CMUnitTest tests[]={0};(void)tests;return 0;}
