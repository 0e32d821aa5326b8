// A small DSP-style datapath for the Yosys time-to-result run
// (benches/pypi/expected.json): an 8-tap FIR filter, an ALU and a
// counter FSM, synthesized to generic gates by `synth`.
module fir8 #(parameter W = 12) (
    input clk, input rst, input signed [W-1:0] x,
    output reg signed [2*W+3:0] y
);
    reg signed [W-1:0] taps [0:7];
    wire signed [W-1:0] c [0:7];
    assign c[0] = 3;  assign c[1] = -7; assign c[2] = 19; assign c[3] = 41;
    assign c[4] = 41; assign c[5] = 19; assign c[6] = -7; assign c[7] = 3;
    integer i, j;
    reg signed [2*W+3:0] sum;
    always @(*) begin
        sum = 0;
        for (i = 0; i < 8; i = i + 1) sum = sum + taps[i] * c[i];
    end
    always @(posedge clk) begin
        if (rst) begin
            for (j = 0; j < 8; j = j + 1) taps[j] <= 0;
            y <= 0;
        end else begin
            taps[0] <= x;
            for (j = 1; j < 8; j = j + 1) taps[j] <= taps[j-1];
            y <= sum;
        end
    end
endmodule

module alu (input [15:0] a, b, input [2:0] op, output reg [15:0] r, output zero);
    always @(*) case (op)
        3'd0: r = a + b;
        3'd1: r = a - b;
        3'd2: r = a & b;
        3'd3: r = a | b;
        3'd4: r = a ^ b;
        3'd5: r = a << b[3:0];
        3'd6: r = a >> b[3:0];
        default: r = a * b;
    endcase
    assign zero = r == 0;
endmodule

module top (input clk, input rst, input [11:0] x, input [15:0] a, b, input [2:0] op,
            output [27:0] y, output [15:0] r, output zero, output reg [3:0] state);
    fir8 #(.W(12)) f (.clk(clk), .rst(rst), .x(x), .y(y));
    alu u (.a(a), .b(b), .op(op), .r(r), .zero(zero));
    always @(posedge clk)
        if (rst) state <= 0;
        else case (state)
            4'd0: state <= zero ? 4'd1 : 4'd2;
            4'd1: state <= 4'd3;
            4'd2: state <= op[0] ? 4'd0 : 4'd4;
            4'd3: state <= 4'd5;
            default: state <= 4'd0;
        endcase
endmodule
